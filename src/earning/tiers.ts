import { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';
import { conditionFor } from '../programs/index.js';
import { defaultTenureFrom, type Program, type TierConfig, type TierRow } from '../programs/index.js';
import type { Reason } from '../rules/index.js';
import type { MemberFacts } from './order-points.js';

/**
 * SU-1: a member's status from a ladder in the program's configuration, by tenure (whole years
 * since joining, in the program's zone) or by points earned in a window, each row optionally with
 * a CEL `when`. Pure: the status job gathers the facts and records each change with its month.
 */

export interface TierFacts {
  joinedAt: Temporal.Instant;
  now: Temporal.Instant;
  /** Required for a `points_earned` ladder: the points earned in the last `windowMonths`. */
  pointsEarnedInWindow?: number;
  member: MemberFacts;
}

export interface TierDecision {
  /** The key of the highest row whose threshold and condition hold. */
  tier: string;
  /** Why each row above it was not reached, from the top. */
  reasons: Reason[];
}

/**
 * The ladder is read from the top: the first row whose threshold is met and whose `when` holds is
 * the member's tier. The loader guarantees the first row needs nothing, so there always is one.
 */
export function tierFor(program: Program, facts: TierFacts): TierDecision {
  const tiers = program.tiers;
  assert(tiers !== undefined, `program ${program.key} has no tiers`);
  const tenureYears = tenureYearsOf(program.timeZone, tiers, facts.joinedAt, facts.now);
  if (tiers.basis === 'points_earned') {
    assert(facts.pointsEarnedInWindow !== undefined, 'a points_earned ladder needs pointsEarnedInWindow');
  }
  const context = { member: facts.member, tenureYears, pointsEarnedInWindow: facts.pointsEarnedInWindow };
  const reasons: Reason[] = [];
  for (const row of [...tiers.ladder].reverse()) {
    const shortfall = thresholdReason(row, tenureYears, facts.pointsEarnedInWindow, tiers);
    if (shortfall !== undefined) {
      reasons.push(shortfall);
      continue;
    }
    const decision = conditionFor(row.when, 'tier', row.key)?.evaluate(context) ?? { ok: true };
    if (decision.ok) return { tier: row.key, reasons };
    reasons.push(...decision.reasons);
  }
  assert(false, `program ${program.key}: the first tier of the ladder needs nothing, so a tier is always found`);
}

/**
 * Whether `to` is above `from` on the ladder (SU-4: "status went up"). Rows are ranked by their
 * order in the ladder, so superstar above a 15+ row of the same tenure is an upgrade. A member
 * without a previous tier, or a tier no longer on the ladder, has not gone up.
 */
export function isUpgrade(ladder: readonly Pick<TierRow, 'key'>[], from: string | null | undefined, to: string): boolean {
  if (from === null || from === undefined) return false;
  const fromRank = ladder.findIndex((row) => row.key === from);
  const toRank = ladder.findIndex((row) => row.key === to);
  return fromRank >= 0 && toRank > fromRank;
}

/**
 * SU-1: whole years from the joining day (or, with `tenureFrom: month`, from the first day of the
 * joining month) to today, both taken in the program's zone. Someone who joined on February 29
 * completes a year on March 1 of a common year (Temporal's calendar arithmetic).
 */
export function tenureYearsOf(timeZone: string, tiers: TierConfig, joinedAt: Temporal.Instant, now: Temporal.Instant): number {
  const joined = joinedAt.toZonedDateTimeISO(timeZone).toPlainDate();
  const start = (tiers.basis === 'tenure' ? (tiers.tenureFrom ?? defaultTenureFrom) : 'date') === 'month' ? joined.with({ day: 1 }) : joined;
  const today = now.toZonedDateTimeISO(timeZone).toPlainDate();
  if (Temporal.PlainDate.compare(today, start) <= 0) return 0;
  return start.until(today, { largestUnit: 'years' }).years;
}

function thresholdReason(row: TierRow, tenureYears: number, points: number | undefined, tiers: TierConfig): Reason | undefined {
  if ('minYears' in row) {
    if (tenureYears >= row.minYears) return undefined;
    return {
      rule: row.key,
      code: 'tenure_too_short',
      message: {
        ja: `ステータス「${row.key}」には入会から${row.minYears}年以上が必要です（現在${tenureYears}年）`,
        en: `Tier "${row.key}" needs ${row.minYears} years since joining; the member has ${tenureYears}`,
      },
      params: { minYears: row.minYears, tenureYears },
    };
  }
  const earned = points ?? 0;
  if (earned >= row.minPoints) return undefined;
  const months = tiers.basis === 'points_earned' ? tiers.windowMonths : 0;
  return {
    rule: row.key,
    code: 'points_earned_too_few',
    message: {
      ja: `ステータス「${row.key}」には直近${months}か月で${row.minPoints} pt以上の獲得が必要です（現在${earned} pt）`,
      en: `Tier "${row.key}" needs ${row.minPoints} points earned in ${months} months; the member earned ${earned}`,
    },
    params: { minPoints: row.minPoints, pointsEarnedInWindow: earned, windowMonths: months },
  };
}
