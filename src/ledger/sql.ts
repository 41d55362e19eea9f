import { statement } from '../db/index.js';

export const applyOps = statement('ledger.apply', `select ledger_apply($1::jsonb, $2::timestamptz) as results`);

export const openAccount = statement('ledger.openAccount', `
  insert into ledger_accounts (member_id, program_key, opened_at) values ($1, $2, $3)
  on conflict (member_id) do nothing`);

export const expireDue = statement('ledger.expireDue', `
  select members, buckets, points, last_member from ledger_expire_due($1::timestamptz, $2, $3)`);

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
