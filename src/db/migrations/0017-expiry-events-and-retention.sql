-- Two things the webhook and retention work of issue #7 needs from the tables (decisions 45–47).
--
-- 1. The ledger says which expiry transactions it wrote, so `points.expired` can be published in
--    the same transaction: the nightly job's chunk (ledger_expire_due) and the lazy expiry that a
--    debit, forfeit or reversal runs first (ledger_expire_member, through ledger_apply). Nothing
--    about what is expired, or how, changes.
-- 2. Indexes for the daily retention job, which deletes finished outbox rows and ended sessions,
--    links and step-up keys in chunks: without them each chunk would scan the whole table.

-- Lazy expiry returns its expiry transactions (it returned their points, which no caller used).
-- Callers `perform` it, so its new return type changes nothing for them.
drop function ledger_expire_member(text, timestamptz);
create function ledger_expire_member(p_member text, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  lot record;
  v_id text;
  v_available bigint;
  v_pending bigint;
  v_expired jsonb := '[]';
begin
  for lot in
    select expires_at, lot_class, remaining from ledger_lots
    where member_id = p_member and remaining > 0 and expires_at <= p_now
    order by expires_at, lot_class
    for update
  loop
    update ledger_accounts set available = available - lot.remaining where member_id = p_member
    returning available, pending into v_available, v_pending;
    v_id := ledger_new_id();
    perform ledger_record(p_member, v_id, 'expire',
      jsonb_build_object('key', ledger_expiry_key(lot.expires_at, lot.lot_class), 'actor', 'system',
                         'occurredAt', lot.expires_at),
      p_now, lot.remaining, -lot.remaining, 0, v_available, v_pending, 'program:expired', null,
      array['member:available', 'program:expired'], array[-lot.remaining, lot.remaining]);
    update ledger_lots set remaining = 0, expired = expired + lot.remaining
    where member_id = p_member and expires_at = lot.expires_at and lot_class = lot.lot_class;
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    values (p_member, v_id, lot.expires_at, lot.lot_class, -lot.remaining, lot.remaining);
    v_expired := v_expired || jsonb_build_object('transactionId', v_id, 'points', lot.remaining,
      'expiresAt', lot.expires_at, 'lotClass', lot.lot_class, 'available', v_available, 'pending', v_pending);
  end loop;
  return v_expired;
end $$;

-- As 0003, with one addition: the operations that expire lazily (debit, forfeit, reverse) have
-- their member's due buckets expired here first, and the expiries come back on that operation's
-- result as `expired` — also on a replay or a refusal, since the batch's commit keeps them. The
-- operation's own call then finds nothing due. Expiring before the replay check is as correct as
-- after it: due buckets expire as of p_now whoever asks.
create or replace function ledger_apply(p_ops jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  o jsonb;
  i bigint;
  v_member text;
  v_in_flight bigint[];
  v_members text[];
  v_results jsonb[] := '{}';
  v_expired jsonb;
  r jsonb;
begin
  select coalesce(array_agg(n), '{}') into v_in_flight
  from jsonb_array_elements(p_ops) with ordinality e(op, n)
  where not pg_try_advisory_xact_lock(hashtextextended((op->>'member') || chr(31) || (op->>'key'), 0));
  select array_agg(distinct e->>'member') into v_members
  from jsonb_array_elements(p_ops) with ordinality e(e, n)
  where n <> all(v_in_flight);
  perform 1 from ledger_accounts where member_id = any(v_members) order by member_id for update;
  for o, i in select value, ordinality from jsonb_array_elements(p_ops) with ordinality loop
    v_member := o->>'member';
    if i = any(v_in_flight) then
      v_results := v_results || jsonb_build_object('status', 'idempotency_key_in_flight');
      continue;
    end if;
    v_expired := case when o->>'op' in ('debit', 'forfeit', 'reverse') then ledger_expire_member(v_member, p_now) else '[]' end;
    r := case o->>'op'
      when 'credit' then ledger_credit(v_member, o, p_now)
      when 'debit' then ledger_debit(v_member, o, p_now)
      when 'hold' then ledger_hold(v_member, o, p_now)
      when 'confirm' then ledger_settle(v_member, o, p_now)
      when 'cancel' then ledger_settle(v_member, o, p_now)
      when 'reverse' then ledger_reverse(v_member, o, p_now)
      when 'forfeit' then ledger_forfeit(v_member, o, p_now)
    end;
    if r is null then
      raise exception 'ledger: unknown operation %', o->>'op';
    end if;
    if jsonb_array_length(v_expired) > 0 then
      r := r || jsonb_build_object('expired', v_expired);
    end if;
    v_results := v_results || r;
  end loop;
  return to_jsonb(v_results);
end $$;

-- As 0003, and, when asked (p_with_expiries: someone subscribes to points.expired), it also returns
-- the chunk's expiry transactions (`expiries`, one per bucket, in member and expiry order) with each
-- member's program and balance after. Building them costs about as much again as the expiry, so
-- nobody pays it unasked. Its statements are dynamic SQL, planned for each call's own members and
-- instant: as static statements plpgsql switched them to a generic plan from the sixth call in a
-- session, and a night's later chunks ran ten times slower (measured with the 0003 function too,
-- decision 45). `plan_cache_mode = force_custom_plan` on the function would do the same but also
-- re-plans the foreign-key checks of every row it inserts (40 % slower).
drop function ledger_expire_due(timestamptz, text, int);
create function ledger_expire_due(p_now timestamptz, p_after text, p_limit int, p_with_expiries boolean)
returns table (members int, buckets int, points bigint, last_member text, expiries jsonb) language plpgsql as $$
declare
  v_members text[];
begin
  execute $q$
    select array_agg(member_id order by member_id) from (
      select distinct member_id from ledger_lots
      where member_id > coalesce($1, '') and remaining > 0 and expires_at <= $2
      order by member_id
      limit $3
    ) due_members$q$
  into v_members using p_after, p_now, p_limit;
  if v_members is null then
    return query select 0, 0, 0::bigint, null::text, '[]'::jsonb;
    return;
  end if;
  execute 'select 1 from ledger_accounts where member_id = any($1) order by member_id for update' using v_members;
  -- A new statement, so it reads the lots as they are now that the members are locked.
  return query execute $q$
  with due as materialized (
    -- Sorted before the ids are minted (volatile, so evaluated after the sort): a member's
    -- expiries get ids in expiry order, the order their balances-after assume.
    select l.member_id, l.expires_at, l.lot_class, l.remaining as points, ledger_new_id() as id
    from ledger_lots l
    where l.member_id = any($2) and l.remaining > 0 and l.expires_at <= $1
    order by l.member_id, l.expires_at, l.lot_class
  ), emptied as (
    update ledger_lots l set remaining = 0, expired = l.expired + d.points
    from due d
    where l.member_id = d.member_id and l.expires_at = d.expires_at and l.lot_class = d.lot_class
  ), accounts as (
    update ledger_accounts a set available = a.available - s.points
    from (select member_id, sum(points) as points from due group by member_id) s
    where a.member_id = s.member_id
    returning a.member_id, a.program_key, a.available, a.pending
  ), journal as (
    insert into ledger_journal (member_id, id, op, kind, idempotency_key, request_hash, points,
        available_delta, pending_delta, available_after, pending_after, counter_account,
        occurred_at, recorded_at, actor)
    select d.member_id, d.id, 'expire', 'expire', ledger_expiry_key(d.expires_at, d.lot_class), '', d.points,
        -d.points, 0,
        -- buckets expire in expiry order, so each one's balance-after still holds the later ones
        a.available + coalesce(sum(d.points) over (partition by d.member_id order by d.expires_at desc, d.lot_class desc
                                                   rows between unbounded preceding and 1 preceding), 0),
        a.pending, 'program:expired', d.expires_at, $1, 'system'
    from due d join accounts a using (member_id)
    returning member_id, id, available_after, pending_after
  ), postings as (
    insert into ledger_postings (member_id, journal_id, account, amount)
    select member_id, id, 'member:available', -points from due
    union all
    select member_id, id, 'program:expired', points from due
  ), allocations as (
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    select member_id, id, expires_at, lot_class, -points, points from due
  )
  select cardinality($2::text[]), (select count(*)::int from due), (select coalesce(sum(d.points), 0)::bigint from due d),
         ($2::text[])[cardinality($2::text[])],
         case when $3 then (select coalesce(jsonb_agg(jsonb_build_object('memberId', d.member_id, 'program', a.program_key,
                    'transactionId', d.id, 'points', d.points, 'expiresAt', d.expires_at, 'lotClass', d.lot_class,
                    'available', j.available_after, 'pending', j.pending_after)
                  order by d.member_id, d.expires_at, d.lot_class), '[]'::jsonb)
          from due d join journal j on j.member_id = d.member_id and j.id = d.id join accounts a on a.member_id = d.member_id)
         else '[]'::jsonb end$q$
  using p_now, v_members, p_with_expiries;
end $$;

-- Retention (src/jobs/retention.ts). Finished outbox rows by when they finished: delivered
-- webhooks and sent email by sent_at, suppressed marketing by created_at; failed webhook rows are
-- few, and each is looked up by its event to see whether a replay delivered it.
create index outbox_messages_sent on outbox_messages (channel, sent_at) where status = 'sent';
create index outbox_messages_suppressed on outbox_messages (created_at) where status = 'suppressed';
create index outbox_messages_failed on outbox_messages (channel, id) where status = 'failed';
create index outbox_messages_event on outbox_messages (event_id, webhook_id) where status = 'sent' and channel = 'webhook';

-- Sessions, emailed links and step-up keys end at the earliest of their expiry, revocation or
-- use; least() ignores nulls. A used step-up key whose hash is gone is done with (below).
create index sessions_ended on sessions ((least(expires_at, revoked_at)));
create index email_tokens_ended on email_tokens ((least(expires_at, used_at)));
create index redemption_step_up_keys_ended on redemption_step_up_keys ((least(expires_at, used_at, revoked_at)))
  where key_hash is not null;

-- A used step-up key stays as the record that a key authorised its redemption (FL-5), without the
-- hash of the key once retention has passed: the hash of six digits and a member id is easily reversed.
alter table redemption_step_up_keys alter column key_hash drop not null;
alter table redemption_step_up_keys add constraint redemption_step_up_keys_hash_check
  check (key_hash is not null or used_at is not null);
