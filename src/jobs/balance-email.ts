import { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { fiscalYearEnd, fiscalYearOf, type Program } from '../programs/index.js';
import type { JobContext, JobOutcome } from './chunked.js';
import { runMemberMail } from './member-mail.js';

/**
 * FL-7: the monthly balance email: points available and on the way, and those that expire at the
 * end of the current fiscal year.
 */
export async function runBalanceEmail(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const yearEnd = fiscalYearEnd(program, fiscalYearOf(program, ctx.now));
  return runMemberMail(db, program, { job: 'balance-email', month }, ctx, ({ balance, programName }) => ({
    template: 'monthly_balance',
    vars: {
      month,
      available: balance.available,
      pending: balance.pending,
      expiringPoints: pointsExpiringBy(balance.expiring, yearEnd),
      expiringAt: yearEnd,
      programName,
      timeZone: program.timeZone,
    },
  }));
}

/**
 * The expiry warning: on the 1st of each month, to members with points that expire within the
 * next `withinDays` days — how many, and when the first of them go. Nothing for the others.
 */
export async function runExpiryWarning(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const withinDays = program.notifications?.expiringSoon?.withinDays ?? 30;
  const until = ctx.now.add({ hours: 24 * withinDays });
  return runMemberMail(db, program, { job: 'expiry-warning', month }, ctx, ({ balance, programName }) => {
    const points = pointsExpiringBy(balance.expiring, until);
    const first = balance.expiring[0];
    if (points === 0 || !first) return undefined;
    return {
      template: 'points_expiring_soon',
      vars: { points, firstExpiresAt: Temporal.Instant.from(first.expiresAt), withinDays, programName, timeZone: program.timeZone },
    };
  });
}

function pointsExpiringBy(lots: readonly { points: number; expiresAt: string }[], by: Temporal.Instant): number {
  return lots.filter((lot) => Temporal.Instant.compare(Temporal.Instant.from(lot.expiresAt), by) <= 0).reduce((sum, lot) => sum + lot.points, 0);
}
