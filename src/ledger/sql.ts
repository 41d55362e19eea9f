import { statement } from '../db/index.js';

export const applyOps = statement('ledger.apply', `select ledger_apply($1::jsonb, $2::timestamptz) as results`);

export const openAccount = statement('ledger.openAccount', `
  insert into ledger_accounts (member_id, program_key, opened_at) values ($1, $2, $3)
  on conflict (member_id) do nothing`);

export const expireDue = statement('ledger.expireDue', `
  select members, buckets, points, last_member, expiries from ledger_expire_due($1::timestamptz, $2, $3, $4)`);

// The balance projected to $2: buckets due by then no longer count, even before the expiry job has run.
export const balance = statement('ledger.balance', `
  select (a.available - coalesce(due.points, 0))::bigint as available, a.pending,
         coalesce(soon.items, '[]'::jsonb) as expiring
  from ledger_accounts a
  left join lateral (
    select sum(remaining) as points from ledger_lots
    where member_id = a.member_id and remaining > 0 and expires_at <= $2
  ) due on true
  left join lateral (
    select jsonb_agg(jsonb_build_object('points', points, 'expiresAt', expires_at) order by expires_at) as items
    from (
      select expires_at, sum(remaining) as points from ledger_lots
      where member_id = a.member_id and remaining > 0 and expires_at > $2 and expires_at <> 'infinity'
      group by expires_at
    ) buckets
  ) soon on true
  where a.member_id = $1`);

export const lockAccount = statement('ledger.lockAccount', `select 1 from ledger_accounts where member_id = $1 for update`);

export const transactions = statement('ledger.transactions', `
  select id, op, kind, available_delta, pending_delta, available_after, pending_after, points,
         reverses_id, occurred_at, recorded_at, reason, actor, metadata
  from ledger_journal
  where member_id = $1 and ($2::text is null or id < $2)
  order by id desc
  limit $3`);

export const transaction = statement('ledger.transaction', `
  select id, op, kind, available_delta, pending_delta, available_after, pending_after, points,
         reverses_id, occurred_at, recorded_at, reason, actor, metadata
  from ledger_journal where member_id = $1 and id = $2`);

// Liability (finance, #8), from postings and allocations, never from cached balances. Both
// statements read every posting (or allocation) of the program once, joined with its accounts, and
// join with the journal only the transactions recorded since an instant (found by the BRIN index on
// recorded_at, 0018): history before that needs no month.

// $2 holds the n + 1 bounds of the report's months. A posting whose transaction was recorded before
// the first bound is in bucket 0 (the opening balances: member accounts only); width_bucket puts one
// of month i in bucket i, one recorded after the last month in bucket n + 1. A reversal is named
// after what it reverses ('reverse:debit'), looked up by primary key for the window's reversals only.
// Postings are summed per (bucket, operation, account), then classified by what moved them: the
// program account on the other side, else the operation. 'unclassified' must stay 0: the caller
// asserts it.
export const liabilityFlows = statement('ledger.liabilityFlows', `
  with reversals as (
    select r.member_id, r.id, 'reverse:' || o.op as op
    from ledger_journal r
    join ledger_journal o on o.member_id = r.member_id and o.id = r.reverses_id
    where r.op = 'reverse' and r.recorded_at >= ($2::timestamptz[])[1]
  ), recent as (
    select j.member_id, j.id, width_bucket(j.recorded_at, $2::timestamptz[]) as bucket, coalesce(v.op, j.op) as op
    from ledger_journal j
    left join reversals v on v.member_id = j.member_id and v.id = j.id
    where j.recorded_at >= ($2::timestamptz[])[1]
  ), summed as (
    select coalesce(r.bucket, 0) as bucket, r.op, p.account, sum(p.amount) as amount
    from ledger_postings p
    join ledger_accounts a on a.member_id = p.member_id
    left join recent r on r.member_id = p.member_id and r.id = p.journal_id
    where a.program_key = $1 and (r.id is not null or p.account in ('member:available', 'member:pending'))
    group by 1, 2, 3
  ), classified as (
    select bucket, account, amount,
      case
        when account = 'member:available' and op = 'confirm' then 'confirmed'
        when account in ('member:available', 'member:pending') then 'balance'
        when op = 'hold' then 'held'
        when op = 'cancel' then 'cancelled'
        when account = 'program:expired' then 'expired'
        when account = 'program:adjusted' then 'adjusted'
        when op in ('credit', 'confirm', 'reverse:credit', 'reverse:confirm') then 'issued'
        when op in ('debit', 'reverse:debit') then 'redeemed'
        when op in ('forfeit', 'reverse:forfeit') then 'forfeited'
      end as flow
    from summed
  )
  select bucket::int as bucket,
    coalesce(sum(amount) filter (where account = 'member:available'), 0)::bigint as available,
    coalesce(sum(amount) filter (where account = 'member:pending'), 0)::bigint as pending,
    coalesce(sum(case when flow = 'confirmed' then amount when flow = 'issued' then -amount end), 0)::bigint as issued,
    coalesce(sum(amount) filter (where flow = 'redeemed'), 0)::bigint as redeemed,
    coalesce(sum(amount) filter (where flow = 'expired'), 0)::bigint as expired,
    coalesce(sum(amount) filter (where flow = 'forfeited'), 0)::bigint as forfeited,
    coalesce(-sum(amount) filter (where flow = 'adjusted'), 0)::bigint as adjusted,
    coalesce(-sum(amount) filter (where flow = 'held'), 0)::bigint as held,
    coalesce(sum(amount) filter (where flow = 'confirmed'), 0)::bigint as confirmed,
    coalesce(sum(amount) filter (where flow = 'cancelled'), 0)::bigint as cancelled,
    count(*) filter (where bucket > 0 and flow is null)::bigint as unclassified
  from classified
  group by bucket
  order by bucket`);

// The program's buckets as they stood at $2, by expiry instant: the allocations (the lots'
// provenance) of every transaction recorded before $2. Null for points that never expire.
export const liabilityBuckets = statement('ledger.liabilityBuckets', `
  select nullif(al.expires_at, 'infinity') as expires_at, sum(al.remaining_delta)::bigint as points
  from ledger_allocations al
  join ledger_accounts a on a.member_id = al.member_id
  where a.program_key = $1
    and not exists (select 1 from ledger_journal j where j.member_id = al.member_id and j.id = al.journal_id and j.recorded_at >= $2)
  group by al.expires_at
  having sum(al.remaining_delta) <> 0
  order by al.expires_at`);
