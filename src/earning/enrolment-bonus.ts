import { Temporal } from 'temporal-polyfill';
import type { EnrolmentBonusConfig, Program } from '../programs/index.js';
import type { Reason } from '../rules/index.js';

/**
 * SR-1: whether an enrolment earns an enrolment bonus. Pure: the cap (the first 1,000 only) is a
 * program-wide counter the caller enforces in SQL, atomically with the credit.
 */

export interface MembershipPeriod {
  startedAt: Temporal.Instant;
  /** Undefined while the membership lasts. */
  endedAt?: Temporal.Instant;
}

export interface EnrolmentFacts {
  enrolledAt: Temporal.Instant;
  /** Every membership period of the member, the one starting at `enrolledAt` included or not. */
  membershipPeriods: readonly MembershipPeriod[];
}

export type EnrolmentBonusDecision = { bonus: { id: string; points: number; cap?: number } } | { none: Reason[] };

/** The first configured bonus the enrolment qualifies for, or every bonus's reason for not. */
export function enrolmentBonusFor(program: Program, facts: EnrolmentFacts): EnrolmentBonusDecision {
  const reasons: Reason[] = [];
  for (const bonus of program.earning?.enrolmentBonus ?? []) {
    const reason = refusalOf(program.timeZone, bonus, facts);
    if (reason === undefined) return { bonus: { id: bonus.id, points: bonus.points, ...(bonus.cap === undefined ? {} : { cap: bonus.cap }) } };
    reasons.push(reason);
  }
  return { none: reasons };
}

function refusalOf(timeZone: string, bonus: EnrolmentBonusConfig, facts: EnrolmentFacts): Reason | undefined {
  // SR-1: "between 9/21/2014 (12:00 a.m. PT) and 12/31/2014 (11:59 p.m. PT)": whole local days.
  const day = facts.enrolledAt.toZonedDateTimeISO(timeZone).toPlainDate();
  const from = Temporal.PlainDate.from(bonus.from);
  const until = Temporal.PlainDate.from(bonus.until);
  if (Temporal.PlainDate.compare(day, from) < 0 || Temporal.PlainDate.compare(day, until) > 0) {
    return {
      rule: bonus.id,
      code: 'enrolled_outside_window',
      message: {
        ja: `入会特典「${bonus.id}」は ${bonus.from}〜${bonus.until} の入会が対象です（入会日 ${day}）`,
        en: `Enrolment bonus "${bonus.id}" is for enrolments from ${bonus.from} to ${bonus.until}; this one was on ${day}`,
      },
      params: { from: bonus.from, until: bonus.until, enrolledOn: day.toString() },
    };
  }
  const windowStart = from.toZonedDateTime({ timeZone }).toInstant();
  // SR-1 rewards an enrolment in the window once: a member who enrolled in it before, left and
  // came back has had their chance.
  const before = facts.membershipPeriods.find(
    (period) => Temporal.Instant.compare(period.startedAt, windowStart) >= 0 && Temporal.Instant.compare(period.startedAt, facts.enrolledAt) < 0,
  );
  if (before !== undefined) {
    return {
      rule: bonus.id,
      code: 'enrolled_before_in_window',
      message: {
        ja: `入会特典「${bonus.id}」は期間中の最初の入会のみが対象です（前回の入会 ${before.startedAt.toString()}）`,
        en: `Enrolment bonus "${bonus.id}" is for the first enrolment in its window; this member enrolled at ${before.startedAt.toString()}`,
      },
      params: { enrolledBefore: before.startedAt.toString() },
    };
  }
  if (bonus.notMemberWithinDays === undefined) return undefined;
  // SR-1: "not already, and have not been, members in the 90 days prior to 9/21/14": any period
  // begun before the window that was still running when the look-back began disqualifies.
  const lookBackStart = from.subtract({ days: bonus.notMemberWithinDays }).toZonedDateTime({ timeZone }).toInstant();
  const earlier = facts.membershipPeriods.find(
    (period) =>
      Temporal.Instant.compare(period.startedAt, windowStart) < 0 &&
      (period.endedAt === undefined || Temporal.Instant.compare(period.endedAt, lookBackStart) > 0),
  );
  if (earlier === undefined) return undefined;
  const days = bonus.notMemberWithinDays;
  return {
    rule: bonus.id,
    code: 'member_before_window',
    message: {
      ja: `入会特典「${bonus.id}」は ${bonus.from} より前の${days}日間に会員でなかった方が対象です`,
      en: `Enrolment bonus "${bonus.id}" is for those who were not members in the ${days} days before ${bonus.from}`,
    },
    params: { notMemberWithinDays: days, from: bonus.from, memberSince: earlier.startedAt.toString() },
  };
}
