import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';

// Earned = points that became available by credits and confirmed holds in [from, to), less the
// reversals of such transactions in the window (returns take back what they earned).
const earned = statement('ledger.pointsEarnedBetween', `
  select coalesce(sum(case when j.op = 'reverse' then -j.points else j.points end), 0)::bigint as points
  from ledger_journal j
  where j.member_id = $1 and j.occurred_at >= $2 and j.occurred_at < $3
    and (j.op in ('credit', 'confirm')
         or (j.op = 'reverse' and exists (select 1 from ledger_journal o
                                          where o.member_id = j.member_id and o.id = j.reverses_id and o.op in ('credit', 'confirm'))))`);

/** Points the member earned in [from, to): for status ladders by points earned in a window. */
export async function pointsEarnedBetween(db: Queryable, memberId: string, from: Temporal.Instant, to: Temporal.Instant): Promise<number> {
  const [row] = await db.query<{ points: number }>(earned, [memberId, from.toString(), to.toString()]);
  return row?.points ?? 0;
}
