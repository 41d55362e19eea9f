import type { Queryable } from '../db/index.js';
import { statement, type Statement } from '../db/index.js';

/**
 * The ledger's invariants, each a query returning the rows that break it (at most 20 each).
 * `ledger verify` runs them all; the test suite runs them after every storage test file and
 * every benchmark ends with them.
 */
const checks: { invariant: string; query: Statement }[] = [
  {
    invariant: 'every transaction balances: its postings sum to zero',
    query: statement('ledger.verify.zeroSum', `
      select member_id, journal_id, sum(amount) as sum from ledger_postings
      group by member_id, journal_id having sum(amount) <> 0 limit 20`),
  },
  {
    invariant: 'every transaction has postings',
    query: statement('ledger.verify.postingsExist', `
      select j.member_id, j.id from ledger_journal j
      where not exists (select 1 from ledger_postings p where p.member_id = j.member_id and p.journal_id = j.id)
      limit 20`),
  },
  {
    invariant: "a transaction's recorded deltas equal its member postings",
    query: statement('ledger.verify.deltas', `
      select j.member_id, j.id, j.available_delta, j.pending_delta, p.available, p.pending
      from ledger_journal j
      join (select member_id, journal_id,
                   coalesce(sum(amount) filter (where account = 'member:available'), 0) as available,
                   coalesce(sum(amount) filter (where account = 'member:pending'), 0) as pending
            from ledger_postings group by member_id, journal_id) p
        on p.member_id = j.member_id and p.journal_id = j.id
      where j.available_delta <> p.available or j.pending_delta <> p.pending
      limit 20`),
  },
  {
    invariant: 'cached balances equal the sum of postings',
    query: statement('ledger.verify.balances', `
      select a.member_id, a.available, a.pending, coalesce(p.available, 0) as posted_available, coalesce(p.pending, 0) as posted_pending
      from ledger_accounts a
      left join (select member_id,
                        sum(amount) filter (where account = 'member:available') as available,
                        sum(amount) filter (where account = 'member:pending') as pending
                 from ledger_postings group by member_id) p on p.member_id = a.member_id
      where a.available <> coalesce(p.available, 0) or a.pending <> coalesce(p.pending, 0)
      limit 20`),
  },
  {
    invariant: 'lots hold exactly the available balance (none while it is negative)',
    query: statement('ledger.verify.lots', `
      select a.member_id, a.available, coalesce(l.remaining, 0) as in_lots
      from ledger_accounts a
      left join (select member_id, sum(remaining) as remaining from ledger_lots group by member_id) l on l.member_id = a.member_id
      where greatest(a.available, 0) <> coalesce(l.remaining, 0)
      limit 20`),
  },
  {
    invariant: 'every lot equals the sum of its allocations',
    // expires_at as text: a lot that never expires is 'infinity', which no Temporal.Instant can hold.
    query: statement('ledger.verify.allocations', `
      select l.member_id, l.expires_at::text as expires_at, l.lot_class, l.remaining, l.expired, a.remaining as allocated, a.expired as allocated_expired
      from ledger_lots l
      left join (select member_id, expires_at, lot_class, sum(remaining_delta) as remaining, sum(expired_delta) as expired
                 from ledger_allocations group by member_id, expires_at, lot_class) a
        on a.member_id = l.member_id and a.expires_at = l.expires_at and a.lot_class = l.lot_class
      where l.remaining <> coalesce(a.remaining, 0) or l.expired <> coalesce(a.expired, 0)
      limit 20`),
  },
  {
    invariant: 'no negative balance unless a clawback allowed it',
    query: statement('ledger.verify.negative', `
      select a.member_id, a.available from ledger_accounts a
      where a.available < 0
        and not exists (select 1 from ledger_journal j where j.member_id = a.member_id and j.allow_negative)
      limit 20`),
  },
  {
    invariant: 'pending equals what is still open on holds',
    query: statement('ledger.verify.holds', `
      select a.member_id, a.pending, coalesce(h.open, 0) as open_on_holds
      from ledger_accounts a
      left join (select member_id, sum(points - confirmed - cancelled) as open from ledger_holds group by member_id) h
        on h.member_id = a.member_id
      where a.pending <> coalesce(h.open, 0)
      limit 20`),
  },
  {
    invariant: 'settled and reversed counters equal the transactions that settled or reversed them',
    query: statement('ledger.verify.counters', `
      select j.member_id, j.id, j.reversed, coalesce(s.reversed, 0) as by_reversals,
             h.confirmed, coalesce(s.confirmed, 0) as by_confirms, h.cancelled, coalesce(s.cancelled, 0) as by_cancels
      from ledger_journal j
      left join ledger_holds h on h.member_id = j.member_id and h.journal_id = j.id
      left join (select member_id, reverses_id,
                        sum(points) filter (where op = 'reverse') as reversed,
                        sum(points) filter (where op = 'confirm') as confirmed,
                        sum(points) filter (where op = 'cancel') as cancelled
                 from ledger_journal where reverses_id is not null group by member_id, reverses_id) s
        on s.member_id = j.member_id and s.reverses_id = j.id
      where j.reversed <> coalesce(s.reversed, 0)
         or (h.journal_id is not null and (h.confirmed <> coalesce(s.confirmed, 0) or h.cancelled <> coalesce(s.cancelled, 0)))
      limit 20`),
  },
];

export interface Violation {
  invariant: string;
  rows: Record<string, unknown>[];
}

/** Every invariant that fails, with up to 20 offending rows each; empty when the ledger is sound. */
export async function verifyLedger(db: Queryable): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const check of checks) {
    const rows = await db.query<Record<string, unknown>>(check.query);
    if (rows.length > 0) violations.push({ invariant: check.invariant, rows });
  }
  return violations;
}

export const invariants = checks.map((c) => c.invariant);
