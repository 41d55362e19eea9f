import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { programLoadProblems } from '../../test/support/programs.js';
import { formatProblem, loadPrograms } from '../programs/index.js';

/** Lines 1–7 of a valid program at 3 pt = 2 yen (whole yen need multiples of 3); the redemption section starts on line 8. */
const head = ['key: x', 'name: X', 'timeZone: Asia/Tokyo', 'currency: JPY', 'pointValue: { points: 3, amountMinor: 2 }', 'expiry: { policy: none }', 'redemption:'].join('\n');

function problems(section: string): string[] {
  return programLoadProblems('x', `${head}\n${section}`).map((e) => formatProblem({ ...e, file: 'x' }));
}

const reward = (extra = '') => `    - { id: mug, names: { ja: マグ, en: Mug }, points: 30, kind: item, shipping: required${extra} }`;

describe('the loader checks the redemption section (FL-3..FL-5, SR-5) with file:line', () => {
  it('accepts a full section', () => {
    const section = [
      '  billCredit: { step: 30, monthlyCap: 300 }',
      '  checkout: { step: 3 }',
      '  catalog:',
      reward(', stock: 0'),
      '    - { id: class, names: { ja: 教室, en: Class }, points: 60, kind: experience, shipping: none }',
      '  stepUp: { trustedHeader: X-Trusted-Line, required: [catalog, checkout, bill_credit], keyValidMinutes: 5, maxFailuresPerDay: 3 }',
    ].join('\n');
    assert.deepEqual(problems(section), []);
  });

  const cases: [string, string, RegExp][] = [
    ['a step worth a fraction of a yen', '  billCredit: { step: 10, monthlyCap: 300 }', /^x:8:23: billCredit\.step 10 must be a multiple of 3 \(whole minor units/],
    ['a cap the steps never reach', '  billCredit: { step: 30, monthlyCap: 310 }', /^x:8:39: billCredit\.monthlyCap 310 must be a multiple of step 30/],
    ['a checkout step worth a fraction', '  checkout: { step: 4 }', /^x:8:21: checkout\.step 4 must be a multiple of 3/],
    ['a reward price worth a fraction', `  catalog:\n${reward().replace('points: 30', 'points: 31')}`, /^x:9:54: points 31 of "mug" must be a multiple of 3/],
    ['a reward id twice', `  catalog:\n${reward()}\n${reward()}`, /^x:10:13: reward id "mug" is used twice/],
    ['a cash-out kind', `  catalog:\n${reward().replace('kind: item', 'kind: e-money')}`, /kind "e-money" must be one of: item, service, experience/],
    ['a reward without names in both languages', '  catalog:\n    - { id: mug, names: { ja: マグ }, points: 30, kind: item, shipping: none }', /missing required key "redemption\.catalog\.0\.names\.en"/],
    ['negative stock', `  catalog:\n${reward(', stock: -1')}`, /stock -1 must be >= 0/],
    ['step-up for a kind not offered', '  billCredit: { step: 30, monthlyCap: 300 }\n  stepUp: { trustedHeader: X-Line, required: [catalog] }', /^x:9:47: stepUp\.required names catalog, which this program does not offer/],
    ['a header clients set themselves', '  billCredit: { step: 30, monthlyCap: 300 }\n  stepUp: { trustedHeader: Authorization, required: [bill_credit] }', /stepUp\.trustedHeader must not be "Authorization"/],
    ['a key that lives longer than 10 minutes', '  billCredit: { step: 30, monthlyCap: 300 }\n  stepUp: { trustedHeader: X-Line, required: [], keyValidMinutes: 15 }', /keyValidMinutes 15 must be <= 10/],
    ['a misspelt key', '  billCredit: { step: 30, montlyCap: 300 }', /unknown key "redemption\.billCredit\.montlyCap"/],
  ];
  for (const [name, section, expected] of cases) {
    it(`refuses ${name}`, () => {
      const found = problems(section);
      assert.ok(found.some((p) => expected.test(p)), JSON.stringify(found));
    });
  }

  it('the example programs load with their redemption sections', () => {
    const byKey = new Map(loadPrograms('examples/programs').map((p) => [p.key, p]));
    assert.deepEqual(byKey.get('flets-club')?.redemption?.billCredit, { step: 1, monthlyCap: 5000 });
    assert.deepEqual(byKey.get('flets-club')?.redemption?.stepUp?.required, ['catalog']);
    assert.deepEqual(byKey.get('sony-rewards')?.redemption, { checkout: { step: 1 } });
  });
});
