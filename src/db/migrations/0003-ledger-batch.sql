-- The ledger's two entry points: ledger_apply (a batch of operations, one round trip) and
-- ledger_expire_due (the set-based expiry job, one chunk of members per call).

-- Applies operations in order and returns one result per operation, as a JSON array.
-- A batch of one is an interactive call; a batch of up to 1,000 is group commit (the writer queue).
-- All members of the batch are locked first, in member_id order, so concurrent batches never deadlock.
-- Before that, every operation claims its idempotency key (the advisory lock ledger_replay checks):
-- an operation whose key another open transaction holds is answered 'idempotency_key_in_flight' at
-- once and its member is not waited for. Claiming the key only after the member lock would make
-- that answer unreachable: the holder of a key also holds its member until it commits. The claims
-- are try-locks, which never wait, so they add no deadlock.
create function ledger_apply(p_ops jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  o jsonb;
  i bigint;
  v_member text;
  v_in_flight bigint[];
  v_members text[];
  v_results jsonb[] := '{}';
  r jsonb;
begin
  select coalesce(array_agg(n), '{}') into v_in_flight
  from jsonb_array_elements(p_ops) with ordinality e(op, n)
  where not pg_try_advisory_xact_lock(hashtextextended((op->>'member') || chr(31) || (op->>'key'), 0));
  -- The members as an array first: a join with jsonb_array_elements is planned for 100 rows and
  -- becomes a scan of every account on small tables (measured: 2.0 ms instead of 0.3 ms per call).
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
    v_results := v_results || r;
  end loop;
  return to_jsonb(v_results);
end $$;

-- Expires every bucket due at p_now for the next p_limit members after p_after (member_id order),
-- set-based: one statement writes the journal rows, postings and allocations of the whole chunk.
-- Keys are ledger_expiry_key, the same as lazy expiry, and only buckets with points left are touched,
-- so a re-run, or a resume after a crash, expires nothing twice.
create function ledger_expire_due(p_now timestamptz, p_after text, p_limit int)
returns table (members int, buckets int, points bigint, last_member text) language plpgsql as $$
#variable_conflict use_column
declare
  v_members text[];
begin
  select array_agg(member_id order by member_id) into v_members from (
    select distinct member_id from ledger_lots
    where member_id > coalesce(p_after, '') and remaining > 0 and expires_at <= p_now
    order by member_id
    limit p_limit
  ) due_members;
  if v_members is null then
    return query select 0, 0, 0::bigint, null::text;
    return;
  end if;
  perform 1 from ledger_accounts where member_id = any(v_members) order by member_id for update;
  -- A new statement, so it reads the lots as they are now that the members are locked.
  return query
  with due as materialized (
    -- Sorted before the ids are minted (volatile, so evaluated after the sort): a member's
    -- expiries get ids in expiry order, the order their balances-after assume.
    select l.member_id, l.expires_at, l.lot_class, l.remaining as points, ledger_new_id() as id
    from ledger_lots l
    where l.member_id = any(v_members) and l.remaining > 0 and l.expires_at <= p_now
    order by l.member_id, l.expires_at, l.lot_class
  ), emptied as (
    update ledger_lots l set remaining = 0, expired = l.expired + d.points
    from due d
    where l.member_id = d.member_id and l.expires_at = d.expires_at and l.lot_class = d.lot_class
  ), accounts as (
    update ledger_accounts a set available = a.available - s.points
    from (select member_id, sum(points) as points from due group by member_id) s
    where a.member_id = s.member_id
    returning a.member_id, a.available, a.pending
  ), journal as (
    insert into ledger_journal (member_id, id, op, kind, idempotency_key, request_hash, points,
        available_delta, pending_delta, available_after, pending_after, counter_account,
        occurred_at, recorded_at, actor)
    select d.member_id, d.id, 'expire', 'expire', ledger_expiry_key(d.expires_at, d.lot_class), '', d.points,
        -d.points, 0,
        -- buckets expire in expiry order, so each one's balance-after still holds the later ones
        a.available + coalesce(sum(d.points) over (partition by d.member_id order by d.expires_at desc, d.lot_class desc
                                                   rows between unbounded preceding and 1 preceding), 0),
        a.pending, 'program:expired', d.expires_at, p_now, 'system'
    from due d join accounts a using (member_id)
  ), postings as (
    insert into ledger_postings (member_id, journal_id, account, amount)
    select member_id, id, 'member:available', -points from due
    union all
    select member_id, id, 'program:expired', points from due
  ), allocations as (
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    select member_id, id, expires_at, lot_class, -points, points from due
  )
  select cardinality(v_members), (select count(*)::int from due), (select coalesce(sum(d.points), 0)::bigint from due d),
         v_members[cardinality(v_members)];
end $$;
