import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { Refusal } from '../errors.js';
import type { Program } from '../programs/index.js';
import { planRedemption, type RedemptionRequest } from './plan.js';
import { refundablePoints } from './refund.js';
import { mostPointsFor, pointsPerMinorUnit, valueOf } from './value.js';

const base = {
  name: 'Test',
  timeZone: 'Asia/Tokyo',
  expiry: { policy: 'none' as const },
  sourceFile: 'test',
};
const yen: Program = {
  ...base,
  key: 'yen',
  currency: 'JPY',
  pointValue: { points: 1, amountMinor: 1 },
  redemption: {
    billCredit: { step: 1, monthlyCap: 5000 },
    catalog: [
      { id: 'mug', names: { ja: 'マグ', en: 'Mug' }, points: 800, stock: 5, kind: 'item', shipping: 'required' },
      { id: 'class', names: { ja: '教室', en: 'Class' }, points: 2000, kind: 'experience', shipping: 'none' },
    ],
  },
};
const cents: Program = { ...base, key: 'cents', timeZone: 'America/Los_Angeles', currency: 'USD', pointValue: { points: 100, amountMinor: 100 }, redemption: { checkout: {} } };
const ratio: Program = {
  ...base,
  key: 'ratio',
  currency: 'JPY',
  pointValue: { points: 3, amountMinor: 2 },
  redemption: { billCredit: { step: 30, monthlyCap: 300 }, checkout: { step: 6 } },
};
const NOW = Temporal.Instant.from('2026-04-30T15:30:00Z'); // 2026-05-01 00:30 in Tokyo, still April 30 in Los Angeles
const home = { postalCode: '100-0001', line1: '千代田1-1' };

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Refusal, String(error));
    return error.code;
  }
  return 'ok';
}

describe('value: points to money by the program ratio, exactly', () => {
  const cases: [Program, number, number][] = [
    [yen, 5000, 5000],
    [cents, 1250, 1250],
    [ratio, 30, 20],
    [ratio, 3, 2],
  ];
  for (const [program, points, amountMinor] of cases) {
    it(`${program.key}: ${points} pt → ${amountMinor}`, () => assert.deepEqual(valueOf(program, points), { amountMinor, currency: program.currency }));
  }
  it('the fewest points worth whole minor units', () => {
    assert.deepEqual([yen, cents, ratio].map((p) => pointsPerMinorUnit(p.pointValue)), [1, 1, 3]);
    assert.equal(pointsPerMinorUnit({ points: 100, amountMinor: 1 }), 100);
    assert.equal(pointsPerMinorUnit({ points: 4, amountMinor: 6 }), 2);
  });
  it('a fraction of a minor unit is a fault, never rounded', () => assert.throws(() => valueOf(ratio, 4), /whole minor units/));
  it('the most points, in steps, worth no more than an amount', () => {
    assert.equal(mostPointsFor(cents, 2000, 1), 2000);
    assert.equal(mostPointsFor(ratio, 101, 3), 150);
    assert.equal(mostPointsFor(ratio, 101, 6), 150);
    assert.equal(mostPointsFor(ratio, 1, 3), 0);
  });
});

describe('planRedemption: the checks that need no database, in their order', () => {
  const cases: [string, Program, RedemptionRequest, string][] = [
    ['FL-4 bill credit', yen, { kind: 'bill_credit', points: 5000 }, 'ok'],
    ['FL-4 over the monthly cap by itself', yen, { kind: 'bill_credit', points: 5001 }, 'over_limit'],
    ['FL-4 needs points', yen, { kind: 'bill_credit' }, 'invalid_request'],
    ['FL-4 takes no reward', yen, { kind: 'bill_credit', points: 5, rewardId: 'mug' }, 'invalid_request'],
    ['a field check comes before the offer', cents, { kind: 'bill_credit', points: 5, orderId: 'x' }, 'invalid_request'],
    ['bill credit not offered', cents, { kind: 'bill_credit', points: 5 }, 'redemption_not_offered'],
    ['step of 30', ratio, { kind: 'bill_credit', points: 45 }, 'invalid_step'],
    ['a step comes before the cap', ratio, { kind: 'bill_credit', points: 301 }, 'invalid_step'],
    ['catalog', yen, { kind: 'catalog', rewardId: 'mug', shippingAddress: home }, 'ok'],
    ['catalog takes no points', yen, { kind: 'catalog', rewardId: 'mug', points: 800 }, 'invalid_request'],
    ['unknown reward', yen, { kind: 'catalog', rewardId: 'cup' }, 'unknown_reward'],
    ['catalog not offered', ratio, { kind: 'catalog', rewardId: 'mug' }, 'redemption_not_offered'],
    ['no address anywhere', yen, { kind: 'catalog', rewardId: 'mug' }, 'shipping_address_required'],
    ['an address for a reward that ships nothing', yen, { kind: 'catalog', rewardId: 'class', shippingAddress: home }, 'invalid_request'],
    ['SR-5 checkout', cents, { kind: 'checkout', points: 2000, orderId: 'o', orderTotal: { amountMinor: 2000, currency: 'USD' } }, 'ok'],
    ['SR-5 more than the order', cents, { kind: 'checkout', points: 2001, orderId: 'o', orderTotal: { amountMinor: 2000, currency: 'USD' } }, 'over_limit'],
    ['SR-5 another currency', cents, { kind: 'checkout', points: 5, orderId: 'o', orderTotal: { amountMinor: 2000, currency: 'JPY' } }, 'currency_mismatch'],
    ['SR-5 a step comes before the currency', ratio, { kind: 'checkout', points: 5, orderId: 'o', orderTotal: { amountMinor: 2000, currency: 'USD' } }, 'invalid_step'],
    ['SR-5 needs the order', cents, { kind: 'checkout', points: 5, orderTotal: { amountMinor: 2000, currency: 'USD' } }, 'invalid_request'],
    ['SR-5 needs the total', cents, { kind: 'checkout', points: 5, orderId: 'o' }, 'invalid_request'],
    ['checkout not offered', yen, { kind: 'checkout', points: 5, orderId: 'o', orderTotal: { amountMinor: 5, currency: 'JPY' } }, 'redemption_not_offered'],
  ];
  for (const [name, program, request, code] of cases) {
    it(`${name} → ${code}`, () => assert.equal(codeOf(() => planRedemption(program, { postalAddress: null }, request, NOW)), code));
  }

  it('FL-4: the billing month is the program-zone month of now', () => {
    const plan = planRedemption(yen, { postalAddress: null }, { kind: 'bill_credit', points: 100 }, NOW);
    assert.ok(plan.kind === 'bill_credit');
    assert.equal(plan.billingMonth, '2026-05');
    assert.deepEqual(plan.counter, { name: 'bill_credit:2026-05', cap: 5000, limit: 'monthly_cap' });
  });

  it("FL-6: a shipped reward goes to the address given, else the member's registered one", () => {
    const registered = planRedemption(yen, { postalAddress: home }, { kind: 'catalog', rewardId: 'mug' }, NOW);
    const given = planRedemption(yen, { postalAddress: home }, { kind: 'catalog', rewardId: 'mug', shippingAddress: { postalCode: '1', line1: 'x' } }, NOW);
    assert.ok(registered.kind === 'catalog' && given.kind === 'catalog');
    assert.deepEqual([registered.shippingAddress, given.shippingAddress], [home, { postalCode: '1', line1: 'x' }]);
    assert.deepEqual([registered.points, registered.value], [800, { amountMinor: 800, currency: 'JPY' }]);
  });

  it('SR-5: the order total caps every payment of the order together', () => {
    const plan = planRedemption(ratio, { postalAddress: null }, { kind: 'checkout', points: 6, orderId: 'A-1', orderTotal: { amountMinor: 101, currency: 'JPY' } }, NOW);
    assert.ok(plan.kind === 'checkout');
    assert.deepEqual(plan.counter, { name: 'checkout:A-1', cap: 150, limit: 'order_total' });
  });

  it('a refusal names the field and says why', () => {
    assert.throws(
      () => planRedemption(yen, { postalAddress: null }, { kind: 'catalog' }, NOW),
      (e: unknown) => e instanceof Refusal && e.message === 'body.rewardId: is required for a catalog redemption' && JSON.stringify(e.params.errors).includes('body.rewardId'),
    );
  });
});

describe('refundablePoints: SR-5 refunds of checkout payments', () => {
  const paid = { id: 'rdm_1', kind: 'checkout' as const, points: 600, refunded: 0 };
  const cases: [string, Program, typeof paid | { id: string; kind: 'bill_credit'; points: number; refunded: number }, number | undefined, number | string][] = [
    ['everything left by default', ratio, paid, undefined, 600],
    ['a part', ratio, paid, 60, 60],
    ['what is left after a part', ratio, { ...paid, refunded: 60 }, undefined, 540],
    ['more than is left', ratio, { ...paid, refunded: 60 }, 541, 'exceeds_original'],
    ['nothing left', ratio, { ...paid, refunded: 600 }, undefined, 'exceeds_original'],
    ['off the checkout step', ratio, paid, 7, 'invalid_step'],
    ['a bill credit', yen, { id: 'rdm_2', kind: 'bill_credit', points: 100, refunded: 0 }, undefined, 'not_refundable'],
  ];
  for (const [name, program, redemption, asked, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      let outcome: number | string;
      try {
        outcome = refundablePoints(program, redemption, asked);
      } catch (error) {
        assert.ok(error instanceof Refusal);
        outcome = error.code;
      }
      assert.equal(outcome, expected);
    });
  }
});
