import { statement, type Db, type Queryable } from '../db/index.js';
import { sealLog, verifyLog, type Anchor, type ChainedLog, type ChainReport } from './chain.js';

// A transaction row as the chain hashes it: every column that never changes, with its postings and
// allocations (so a posting edited, added or removed breaks its transaction's hash). `reversed` is
// a counter that later reversals move, so it is left out; `ledger verify` checks it against them.
// Instants as epoch seconds text: the same in every session whatever its TimeZone, and 'Infinity' too.
const body = `jsonb_build_array(j.xid, j.member_id, j.id, j.op, j.kind, j.idempotency_key, j.request_hash, j.points,
    j.available_delta, j.pending_delta, j.available_after, j.pending_after, j.counter_account, j.reverses_id,
    j.allow_negative, extract(epoch from j.occurred_at)::text, extract(epoch from j.recorded_at)::text,
    j.reason, j.actor, j.metadata,
    (select coalesce(jsonb_agg(jsonb_build_array(p.account, p.amount) order by p.account), '[]'::jsonb)
       from ledger_postings p where p.member_id = j.member_id and p.journal_id = j.id),
    (select coalesce(jsonb_agg(jsonb_build_array(extract(epoch from a.expires_at)::text, a.lot_class, a.remaining_delta, a.expired_delta)
                               order by a.expires_at, a.lot_class), '[]'::jsonb)
       from ledger_allocations a where a.member_id = j.member_id and a.journal_id = j.id))`;

// A row's key is "member_id journal_id"; the chain orders by (xid, member_id, id).
const after = `(j.xid, j.member_id, j.id) > ($1::bigint, split_part($2, ' ', 1), split_part($2, ' ', 2))`;

export const ledgerChain: ChainedLog = {
  name: 'ledger',
  lock: statement('ledger.chain.lock', `select pg_advisory_xact_lock(7400059)`),
  last: statement('ledger.chain.last', `
    select position, xid, member_id || ' ' || journal_id as key, hash from ledger_chain order by position desc limit 1`),
  next: statement('ledger.chain.next', `
    select j.xid, j.member_id || ' ' || j.id as key, ${body} as body from ledger_journal j
    where ${after} and j.xid < $3::bigint
    order by j.xid, j.member_id, j.id limit $4`),
  append: statement('ledger.chain.append', `
    insert into ledger_chain (position, xid, member_id, journal_id, hash)
    select position, xid, split_part(key, ' ', 1), split_part(key, ' ', 2), hash
    from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) as e(position, xid, key, hash)`),
  seal: statement('ledger.chain.seal', `insert into ledger_seals (position, rows, head) values ($1, $2, $3)`),
  page: statement('ledger.chain.page', `
    select c.position, c.xid, c.member_id || ' ' || c.journal_id as key, c.hash, case when j.id is null then null else ${body} end as body
    from ledger_chain c left join ledger_journal j on j.member_id = c.member_id and j.id = c.journal_id
    where c.position > $1 order by c.position limit $2`),
  seals: statement('ledger.chain.seals', `select position, rows, head from ledger_seals order by position`),
  strays: statement('ledger.chain.strays', `
    select j.member_id || ' ' || j.id as key from ledger_journal j
    where not ${after}
      and not exists (select 1 from ledger_chain c where c.member_id = j.member_id and c.journal_id = j.id)
    order by j.xid, j.member_id, j.id limit 1`),
  unsealed: statement('ledger.chain.unsealed', `select count(*)::int as count from ledger_journal j where ${after}`),
};

/** Chains every journal row whose transaction has ended (decision 59). Returns how many it sealed. */
export function sealLedger(db: Db): Promise<number> {
  return sealLog(db, ledgerChain);
}

/** The first transaction changed, deleted or inserted since it was sealed, if any. */
export function verifyLedgerChain(db: Queryable, anchor?: Anchor): Promise<ChainReport> {
  return verifyLog(db, ledgerChain, anchor);
}
