import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { createRegistry, loadPrograms, type Program } from '../programs/index.js';
import type { TierConfig } from '../programs/index.js';
import { isUpgrade, tierFor } from './index.js';

const sonet = createRegistry(loadPrograms('examples/programs')).get('sonet');
assert.ok(sonet);
const at = (text: string) => Temporal.Instant.from(text);

function givenProgram(tiers: TierConfig): Program {
  return { key: 'test', name: 'Test', timeZone: 'Asia/Tokyo', currency: 'JPY', pointValue: { points: 1, amountMinor: 1 }, expiry: { policy: 'none' }, tiers, sourceFile: 'test' };
}

describe('tierFor: the sonet example (SU-1)', () => {
  const cases: { name: string; joinedAt: string; now: string; attributes?: Record<string, unknown>; tier: string }[] = [
    { name: 'SU-1 under 2 years is gold', joinedAt: '2020-04-08T10:00:00+09:00', now: '2022-03-31T23:59:59+09:00', tier: 'gold' },
    { name: 'SU-1 years count from the joining month: platinum on 2022-04-01 for a 2020-04-08 join', joinedAt: '2020-04-08T10:00:00+09:00', now: '2022-04-01T00:00:00+09:00', tier: 'platinum' },
    { name: 'SU-1 in the program zone: 2022-03-31T15:00Z is already April 1 in Tokyo', joinedAt: '2020-04-08T10:00:00+09:00', now: '2022-03-31T15:00:00Z', tier: 'platinum' },
    { name: 'SU-1 the joining month is Tokyo\'s: 2020-03-31T16:00Z joined in April', joinedAt: '2020-03-31T16:00:00Z', now: '2022-04-01T00:00:00+09:00', tier: 'platinum' },
    { name: 'SU-1 4–6 years', joinedAt: '2019-01-15T10:00:00+09:00', now: '2024-12-31T10:00:00+09:00', tier: 'ruby' },
    { name: 'SU-1 6–10 years', joinedAt: '2015-01-15T10:00:00+09:00', now: '2024-12-31T10:00:00+09:00', tier: 'diamond' },
    { name: 'SU-1 10–15 years', joinedAt: '2010-01-15T10:00:00+09:00', now: '2024-12-31T10:00:00+09:00', tier: 'star' },
    { name: 'SU-1 15+ years without the top status', joinedAt: '2009-01-15T10:00:00+09:00', now: '2024-01-01T00:00:00+09:00', tier: 'fifteen-years' },
    { name: 'SU-1 the top status needs 15+ years and its condition', joinedAt: '2009-01-15T10:00:00+09:00', now: '2024-01-01T00:00:00+09:00', attributes: { superstar: true }, tier: 'superstar' },
    { name: 'SU-1 the top status\'s condition alone is not enough', joinedAt: '2009-02-15T10:00:00+09:00', now: '2024-01-31T23:59:59+09:00', attributes: { superstar: true }, tier: 'star' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = tierFor(sonet, { joinedAt: at(c.joinedAt), now: at(c.now), member: { id: 'mbr_1', attributes: c.attributes ?? {} } });
      assert.equal(decision.tier, c.tier, JSON.stringify(decision.reasons));
    });
  }

  it('says why each higher status was not reached, from the top', () => {
    const decision = tierFor(sonet, { joinedAt: at('2009-01-15T10:00:00+09:00'), now: at('2024-01-01T00:00:00+09:00'), member: { id: 'mbr_1', attributes: {} } });
    assert.deepEqual(decision.reasons.map((reason) => [reason.rule, reason.code]), [['superstar', 'condition_not_evaluable']]);
    assert.match(decision.reasons[0]?.message.en ?? '', /No such key: superstar/);
    const young = tierFor(sonet, { joinedAt: at('2023-06-01T10:00:00+09:00'), now: at('2024-01-01T00:00:00+09:00'), member: { id: 'mbr_1', attributes: {} } });
    assert.deepEqual(young.reasons.map((reason) => reason.rule), ['superstar', 'fifteen-years', 'star', 'diamond', 'ruby', 'platinum']);
    assert.equal(young.reasons[5]?.message.en, 'Tier "platinum" needs 2 years since joining; the member has 0');
    assert.equal(young.reasons[5]?.message.ja, 'ステータス「platinum」には入会から2年以上が必要です（現在0年）');
  });
});

describe('tierFor: ladders in general', () => {
  const tenure = givenProgram({ basis: 'tenure', ladder: [{ key: 'a', minYears: 0 }, { key: 'b', minYears: 1 }] });
  const cases: { name: string; program: Program; joinedAt: string; now: string; points?: number; tier: string }[] = [
    { name: 'by date: a year is complete on the anniversary', program: tenure, joinedAt: '2023-05-10T12:00:00+09:00', now: '2024-05-10T00:00:00+09:00', tier: 'b' },
    { name: 'by date: not the day before', program: tenure, joinedAt: '2023-05-10T12:00:00+09:00', now: '2024-05-09T23:59:59+09:00', tier: 'a' },
    { name: 'by date: a February 29 join completes its year on March 1', program: tenure, joinedAt: '2024-02-29T12:00:00+09:00', now: '2025-03-01T00:00:00+09:00', tier: 'b' },
    { name: 'by date: and not on February 28', program: tenure, joinedAt: '2024-02-29T12:00:00+09:00', now: '2025-02-28T23:59:59+09:00', tier: 'a' },
    { name: 'a clock before the join is tenure 0', program: tenure, joinedAt: '2024-02-29T12:00:00+09:00', now: '2020-01-01T00:00:00+09:00', tier: 'a' },
    {
      name: 'points earned in a window',
      program: givenProgram({ basis: 'points_earned', windowMonths: 12, ladder: [{ key: 'blue', minPoints: 0 }, { key: 'gold', minPoints: 10_000 }] }),
      joinedAt: '2024-01-01T00:00:00+09:00',
      now: '2024-06-01T00:00:00+09:00',
      points: 10_000,
      tier: 'gold',
    },
    {
      name: 'points earned in a window, one short',
      program: givenProgram({ basis: 'points_earned', windowMonths: 12, ladder: [{ key: 'blue', minPoints: 0 }, { key: 'gold', minPoints: 10_000 }] }),
      joinedAt: '2024-01-01T00:00:00+09:00',
      now: '2024-06-01T00:00:00+09:00',
      points: 9_999,
      tier: 'blue',
    },
    {
      name: 'a condition may read the tenure and points',
      program: givenProgram({ basis: 'tenure', ladder: [{ key: 'a', minYears: 0 }, { key: 'b', minYears: 0, when: 'tenureYears >= 1 && member.tier == "a"' }] }),
      joinedAt: '2023-01-01T00:00:00+09:00',
      now: '2024-06-01T00:00:00+09:00',
      tier: 'b',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const member = { id: 'mbr_1', attributes: {}, tier: 'a' };
      const facts = { joinedAt: at(c.joinedAt), now: at(c.now), member, ...(c.points === undefined ? {} : { pointsEarnedInWindow: c.points }) };
      assert.equal(tierFor(c.program, facts).tier, c.tier);
    });
  }
});

describe('isUpgrade', () => {
  const ladder = sonet.tiers?.ladder ?? [];
  const cases: [from: string | null | undefined, to: string, up: boolean][] = [
    ['gold', 'platinum', true],
    ['star', 'superstar', true],
    ['fifteen-years', 'superstar', true],
    ['superstar', 'fifteen-years', false],
    ['gold', 'gold', false],
    [null, 'gold', false],
    [undefined, 'platinum', false],
    ['bronze', 'gold', false],
  ];
  for (const [from, to, up] of cases) {
    it(`${String(from)} → ${to} is ${up ? '' : 'not '}an upgrade`, () => assert.equal(isUpgrade(ladder, from, to), up));
  }
});
