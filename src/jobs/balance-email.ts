import { Temporal } from 'temporal-polyfill';
import { keyDeliveryFor } from '../accounts/index.js';
import type { Db } from '../db/index.js';
import { getBalance } from '../ledger/index.js';
import { membersAtPage } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { fiscalYearEnd, fiscalYearOf, type Program } from '../programs/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';

const PAGE = 1_000;

/**
 * FL-7: the monthly balance email to every member of the program with an email address: points
 * available and on the way, and those that expire at the end of the current fiscal year. Each
 * chunk's messages commit with the run's cursor, so a resumed run sends nobody a second email.
 */
export async function runBalanceEmail(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const yearEnd = fiscalYearEnd(program, fiscalYearOf(program, ctx.now));
  return runChunked(db, { program: program.key, job: 'balance-email', period: month }, ctx, async (tx, cursor) => {
    const page = await membersAtPage(tx, program.key, ctx.now, cursor ?? undefined, PAGE);
    const last = page.at(-1);
    if (!last) return undefined;
    let sent = 0;
    for (const member of page) {
      const { email, locale } = await keyDeliveryFor(tx, program, member);
      const balance = await getBalance(tx, member.id, ctx.now);
      if (!email || !balance) continue;
      const expiringPoints = balance.expiring
        .filter((lot) => Temporal.Instant.compare(Temporal.Instant.from(lot.expiresAt), yearEnd) <= 0)
        .reduce((sum, lot) => sum + lot.points, 0);
      const programName = program.names?.[locale] ?? program.name;
      await enqueueEmail(
        tx,
        {
          memberId: member.id,
          to: email,
          template: 'monthly_balance',
          locale,
          vars: { month, available: balance.available, pending: balance.pending, expiringPoints, expiringAt: yearEnd, programName, timeZone: program.timeZone },
        },
        ctx,
      );
      sent += 1;
    }
    return { cursor: last.id, counts: { members: page.length, emails: sent, no_email: page.length - sent } };
  });
}
