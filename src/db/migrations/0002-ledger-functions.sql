-- The ledger's operations, each one round trip (PERFORMANCE.md): the caller sends a batch of
-- operations as JSON to ledger_apply and gets one result per operation. Guards live in the
-- writes themselves (conditional updates, unique keys, CHECKs); balances are never computed in
-- JavaScript. Business refusals are returned as a status, never raised, so one bad operation
-- does not fail its batch; a raised exception is a fault.
--
-- Lock order, everywhere: the member's ledger_accounts row first (the per-member mutex), then
-- that member's lots. A batch locks all its members in member_id order before touching any.

-- Time-ordered ids: microseconds since the epoch, then randomness. Used for ordering and
-- uniqueness only; business time always comes from the caller's clock (p_now).
-- Strictly increasing within a session, because history is listed by id: PGlite's clock ticks in
-- milliseconds, and a batch mints many ids per microsecond, so the clock alone would leave the
-- order of one batch's transactions to the random part. (One expression, so it is inlined: the
-- session counter costs well under a microsecond per id.)
create function ledger_new_id() returns text language sql volatile as $$
  select 'txn_' || lpad(to_hex(set_config('ledger.last_id_micros',
           greatest((extract(epoch from clock_timestamp()) * 1000000)::bigint,
                    coalesce(nullif(current_setting('ledger.last_id_micros', true), '')::bigint, 0) + 1)::text,
           false)::bigint), 14, '0')
         || substr(md5(random()::text), 1, 18)
$$;

-- The idempotency key of the expiry of one bucket: a bucket expires once, so this is unique.
-- Microseconds, the precision of timestamptz: two buckets in one millisecond are two buckets.
create function ledger_expiry_key(p_expires_at timestamptz, p_class text) returns text language sql stable as $$
  select 'expire:' || to_char(p_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || ':' || p_class
$$;

create function ledger_result(j ledger_journal, p_status text) returns jsonb language sql stable as $$
  select jsonb_build_object('status', p_status, 'transactionId', j.id, 'points', j.points,
                            'available', j.available_after, 'pending', j.pending_after)
$$;

-- Idempotency (IETF Idempotency-Key draft): null when the key is new; otherwise the stored
-- result ('replayed'), 'idempotency_key_reused' when the request differs, or
-- 'idempotency_key_in_flight' while another transaction holds the same key.
create function ledger_replay(p_member text, p_key text, p_hash text) returns jsonb language plpgsql as $$
declare
  j ledger_journal;
begin
  if p_key is null or p_key = '' then
    raise exception 'ledger: every operation needs an idempotency key';
  end if;
  if not pg_try_advisory_xact_lock(hashtextextended(p_member || chr(31) || p_key, 0)) then
    return jsonb_build_object('status', 'idempotency_key_in_flight');
  end if;
  select * into j from ledger_journal where member_id = p_member and idempotency_key = p_key;
  if not found then
    return null;
  end if;
  if j.request_hash <> p_hash then
    return jsonb_build_object('status', 'idempotency_key_reused', 'transactionId', j.id);
  end if;
  return ledger_result(j, 'replayed');
end $$;

-- Writes the journal row and its postings (which must sum to zero) and returns the result.
create function ledger_record(
  p_member text, p_id text, p_op text, o jsonb, p_now timestamptz, p_points bigint,
  p_available_delta bigint, p_pending_delta bigint, p_available_after bigint, p_pending_after bigint,
  p_counter text, p_reverses text, p_accounts text[], p_amounts bigint[]
) returns jsonb language plpgsql as $$
declare
  j ledger_journal;
begin
  if (select sum(a) from unnest(p_amounts) a) <> 0 then
    raise exception 'ledger: transaction % does not balance', p_id;
  end if;
  insert into ledger_journal (member_id, id, op, kind, idempotency_key, request_hash, points,
      available_delta, pending_delta, available_after, pending_after, counter_account, reverses_id,
      allow_negative, occurred_at, recorded_at, reason, actor, metadata)
  values (p_member, p_id, p_op, coalesce(o->>'kind', p_op), o->>'key', coalesce(o->>'hash', ''), p_points,
      p_available_delta, p_pending_delta, p_available_after, p_pending_after, p_counter, p_reverses,
      coalesce((o->>'allowNegative')::boolean, false), coalesce((o->>'occurredAt')::timestamptz, p_now), p_now,
      o->>'reason', coalesce(o->>'actor', 'system'), o->'metadata')
  returning * into j;
  insert into ledger_postings (member_id, journal_id, account, amount)
  select p_member, p_id, account, sum(amount)
  from unnest(p_accounts, p_amounts) as t(account, amount)
  group by account
  having sum(amount) <> 0;
  return ledger_result(j, 'created');
end $$;

-- plpgsql, not a multi-statement SQL function, so its plans are cached (measured: 360 → 293 µs per credit).
create function ledger_add_to_lot(p_member text, p_journal text, p_expires timestamptz, p_class text, p_points bigint)
returns void language plpgsql as $$
begin
  insert into ledger_lots (member_id, expires_at, lot_class, remaining) values (p_member, p_expires, p_class, p_points)
  on conflict (member_id, expires_at, lot_class) do update set remaining = ledger_lots.remaining + excluded.remaining;
  insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
  values (p_member, p_journal, p_expires, p_class, p_points, 0);
end $$;

-- Takes p_points from the member's unexpired lots, earliest expiry first, and records what it took.
-- Returns what the lots could not cover. The caller holds the member lock.
create function ledger_consume(p_member text, p_journal text, p_points bigint, p_now timestamptz)
returns bigint language plpgsql as $$
declare
  v_left bigint := p_points;
  v_take bigint;
  lot record;
begin
  for lot in
    select expires_at, lot_class, remaining from ledger_lots
    where member_id = p_member and remaining > 0 and expires_at > p_now
    order by expires_at, lot_class
    for update
  loop
    exit when v_left = 0;
    v_take := least(lot.remaining, v_left);
    update ledger_lots set remaining = remaining - v_take
    where member_id = p_member and expires_at = lot.expires_at and lot_class = lot.lot_class;
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    values (p_member, p_journal, lot.expires_at, lot.lot_class, -v_take, 0);
    v_left := v_left - v_take;
  end loop;
  return v_left;
end $$;

-- Expires this member's buckets that are due at p_now (lazily, before anything consumes lots, so
-- an expired point is never spent even if the nightly job has not run yet). One transaction per bucket,
-- keyed by ledger_expiry_key, so it agrees with the batch job. Returns the points expired.
create function ledger_expire_member(p_member text, p_now timestamptz) returns bigint language plpgsql as $$
declare
  lot record;
  v_id text;
  v_available bigint;
  v_pending bigint;
  v_total bigint := 0;
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
    v_total := v_total + lot.remaining;
  end loop;
  return v_total;
end $$;

create function ledger_check_points(o jsonb) returns bigint language plpgsql immutable as $$
declare
  v_points bigint := (o->>'points')::bigint;
begin
  if v_points is null or v_points <= 0 then
    raise exception 'ledger: % needs a positive number of points', o->>'op';
  end if;
  return v_points;
end $$;

create function ledger_check_counter(p_counter text) returns text language plpgsql immutable as $$
begin
  if p_counter not like 'program:%' then
    raise exception 'ledger: counter account % is not a program account', p_counter;
  end if;
  return p_counter;
end $$;

-- credit: points from a program account into a lot. While a clawback left the balance negative,
-- incoming points first pay that debt and only the rest reaches a lot.
create function ledger_credit(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  v_points bigint := ledger_check_points(o);
  v_counter text := ledger_check_counter(coalesce(o->>'counter', 'program:issued'));
  v_expires timestamptz := coalesce((o->>'expiresAt')::timestamptz, 'infinity');
  v_id text := ledger_new_id();
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  if v_expires <= p_now then
    return jsonb_build_object('status', 'invalid_expiry', 'expiresAt', v_expires);
  end if;
  update ledger_accounts set available = available + v_points where member_id = p_member
  returning available, pending into v_available, v_pending;
  if not found then return jsonb_build_object('status', 'not_found'); end if;
  r := ledger_record(p_member, v_id, 'credit', o, p_now, v_points, v_points, 0, v_available, v_pending,
    v_counter, null, array[v_counter, 'member:available'], array[-v_points, v_points]);
  if least(v_points, v_available) > 0 then
    perform ledger_add_to_lot(p_member, v_id, v_expires, coalesce(o->>'lotClass', 'base'), least(v_points, v_available));
  end if;
  return r;
end $$;

-- debit: points from the member's lots (earliest expiry first) to a program account. Never overdraws:
-- the conditional update is the guard, under the member lock.
create function ledger_debit(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  v_points bigint := ledger_check_points(o);
  v_counter text := ledger_check_counter(coalesce(o->>'counter', 'program:redeemed'));
  v_id text;
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  perform ledger_expire_member(p_member, p_now);
  -- Minted after the expiries it caused, so history (ordered by id) lists them before the debit.
  v_id := ledger_new_id();
  update ledger_accounts set available = available - v_points where member_id = p_member and available >= v_points
  returning available, pending into v_available, v_pending;
  if not found then
    select available into v_available from ledger_accounts where member_id = p_member;
    if not found then return jsonb_build_object('status', 'not_found'); end if;
    return jsonb_build_object('status', 'insufficient_points', 'available', v_available, 'requested', v_points);
  end if;
  r := ledger_record(p_member, v_id, 'debit', o, p_now, v_points, -v_points, 0, v_available, v_pending,
    v_counter, null, array['member:available', v_counter], array[-v_points, v_points]);
  if ledger_consume(p_member, v_id, v_points, p_now) <> 0 then
    raise exception 'ledger: lots of % do not cover its balance', p_member;
  end if;
  return r;
end $$;

-- hold: pending points (e.g. earned on an order not yet shipped), not spendable until confirmed.
create function ledger_hold(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  v_points bigint := ledger_check_points(o);
  v_counter text := ledger_check_counter(coalesce(o->>'counter', 'program:issued'));
  v_id text := ledger_new_id();
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  update ledger_accounts set pending = pending + v_points where member_id = p_member
  returning available, pending into v_available, v_pending;
  if not found then return jsonb_build_object('status', 'not_found'); end if;
  r := ledger_record(p_member, v_id, 'hold', o, p_now, v_points, 0, v_points, v_available, v_pending,
    v_counter, null, array[v_counter, 'member:pending'], array[-v_points, v_points]);
  insert into ledger_holds (member_id, journal_id, points, expires_at, lot_class)
  values (p_member, v_id, v_points, (o->>'expiresAt')::timestamptz, coalesce(o->>'lotClass', 'base'));
  return r;
end $$;

-- confirm / cancel: settle all or part of a hold. Confirmed points land in a lot (expiry from the
-- operation, else from the hold); cancelled points go back to the hold's program account.
create function ledger_settle(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  v_confirm boolean := (o->>'op') = 'confirm';
  h record;
  v_open bigint;
  v_points bigint;
  v_expires timestamptz;
  v_id text := ledger_new_id();
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  select h0.*, j.counter_account into h
  from ledger_holds h0 join ledger_journal j on j.member_id = h0.member_id and j.id = h0.journal_id
  where h0.member_id = p_member and h0.journal_id = o->>'transaction'
  for update of h0;
  if not found then return jsonb_build_object('status', 'not_found'); end if;
  v_open := h.points - h.confirmed - h.cancelled;
  v_points := coalesce((o->>'points')::bigint, v_open);
  if v_points <= 0 or v_points > v_open then
    return jsonb_build_object('status', 'exceeds_original', 'remaining', v_open, 'requested', v_points);
  end if;
  if v_confirm then
    v_expires := coalesce((o->>'expiresAt')::timestamptz, h.expires_at, 'infinity');
    if v_expires <= p_now then
      return jsonb_build_object('status', 'invalid_expiry', 'expiresAt', v_expires);
    end if;
    update ledger_holds set confirmed = confirmed + v_points where member_id = p_member and journal_id = h.journal_id;
    update ledger_accounts set pending = pending - v_points, available = available + v_points where member_id = p_member
    returning available, pending into v_available, v_pending;
    r := ledger_record(p_member, v_id, 'confirm', o, p_now, v_points, v_points, -v_points, v_available, v_pending,
      h.counter_account, h.journal_id, array['member:pending', 'member:available'], array[-v_points, v_points]);
    if least(v_points, v_available) > 0 then
      perform ledger_add_to_lot(p_member, v_id, v_expires, h.lot_class, least(v_points, v_available));
    end if;
  else
    update ledger_holds set cancelled = cancelled + v_points where member_id = p_member and journal_id = h.journal_id;
    update ledger_accounts set pending = pending - v_points where member_id = p_member
    returning available, pending into v_available, v_pending;
    r := ledger_record(p_member, v_id, 'cancel', o, p_now, v_points, 0, -v_points, v_available, v_pending,
      h.counter_account, h.journal_id, array['member:pending', h.counter_account], array[-v_points, v_points]);
  end if;
  return r;
end $$;

-- forfeit: every available point at once (FL-10), consuming every lot.
create function ledger_forfeit(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  v_counter text := ledger_check_counter(coalesce(o->>'counter', 'program:forfeited'));
  v_id text;
  v_points bigint;
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  perform ledger_expire_member(p_member, p_now);
  v_id := ledger_new_id();  -- after the expiries it caused, as in ledger_debit
  select available into v_points from ledger_accounts where member_id = p_member;
  if not found then return jsonb_build_object('status', 'not_found'); end if;
  if v_points <= 0 then
    return jsonb_build_object('status', 'nothing_to_forfeit', 'available', v_points);
  end if;
  update ledger_accounts set available = 0 where member_id = p_member
  returning available, pending into v_available, v_pending;
  r := ledger_record(p_member, v_id, 'forfeit', o, p_now, v_points, -v_points, 0, v_available, v_pending,
    v_counter, null, array['member:available', v_counter], array[-v_points, v_points]);
  if ledger_consume(p_member, v_id, v_points, p_now) <> 0 then
    raise exception 'ledger: lots of % do not cover its balance', p_member;
  end if;
  return r;
end $$;

-- reverse: undo all or part of a credit, confirm, debit or forfeit (returns, cancellations, mistakes).
create function ledger_reverse(p_member text, o jsonb, p_now timestamptz) returns jsonb language plpgsql as $$
declare
  t ledger_journal;
  v_open bigint;
  v_points bigint;
  r jsonb;
begin
  r := ledger_replay(p_member, o->>'key', o->>'hash');
  if r is not null then return r; end if;
  perform ledger_expire_member(p_member, p_now);
  select * into t from ledger_journal where member_id = p_member and id = o->>'transaction' for update;
  if not found then return jsonb_build_object('status', 'not_found'); end if;
  if t.op not in ('credit', 'confirm', 'debit', 'forfeit') then
    return jsonb_build_object('status', 'not_reversible', 'op', t.op);
  end if;
  v_open := t.points - t.reversed;
  v_points := coalesce((o->>'points')::bigint, v_open);
  if v_points <= 0 or v_points > v_open then
    return jsonb_build_object('status', 'exceeds_original', 'remaining', v_open, 'requested', v_points);
  end if;
  if t.op in ('credit', 'confirm') then
    return ledger_reverse_credit(p_member, o, p_now, t, v_points);
  end if;
  return ledger_reverse_debit(p_member, o, p_now, t, v_points);
end $$;

-- Taking back credited points. Points of the credit's bucket that already expired are taken from
-- program:expired (the member no longer has them); the rest comes from the credit's own bucket
-- first, then earliest expiry first. Short of points, it is refused, unless the operation allows
-- a negative balance (a clawback policy: the debt is paid by the next credits).
create function ledger_reverse_credit(p_member text, o jsonb, p_now timestamptz, t ledger_journal, p_points bigint)
returns jsonb language plpgsql as $$
declare
  v_allow boolean := coalesce((o->>'allowNegative')::boolean, false);
  v_bucket_expires timestamptz;
  v_bucket_class text;
  v_reclaimed bigint := 0;
  v_need bigint;
  v_take bigint := 0;
  v_id text := ledger_new_id();
  v_available bigint;
  v_pending bigint;
  r jsonb;
begin
  select expires_at, lot_class into v_bucket_expires, v_bucket_class
  from ledger_allocations where member_id = p_member and journal_id = t.id and remaining_delta > 0;
  if v_bucket_expires is not null and v_bucket_expires <= p_now then
    select least(p_points, expired) into v_reclaimed from ledger_lots
    where member_id = p_member and expires_at = v_bucket_expires and lot_class = v_bucket_class for update;
  end if;
  v_need := p_points - v_reclaimed;
  if v_need > 0 and not v_allow then
    update ledger_accounts set available = available - v_need where member_id = p_member and available >= v_need
    returning available, pending into v_available, v_pending;
    if not found then
      select available into v_available from ledger_accounts where member_id = p_member;
      return jsonb_build_object('status', 'insufficient_points', 'available', v_available, 'requested', v_need);
    end if;
  else
    update ledger_accounts set available = available - v_need where member_id = p_member
    returning available, pending into v_available, v_pending;
  end if;
  r := ledger_record(p_member, v_id, 'reverse', o, p_now, p_points, -v_need, 0, v_available, v_pending,
    t.counter_account, t.id, array['member:available', 'program:expired', t.counter_account],
    array[-v_need, -v_reclaimed, p_points]);
  update ledger_journal set reversed = reversed + p_points where member_id = p_member and id = t.id;
  if v_reclaimed > 0 then
    update ledger_lots set expired = expired - v_reclaimed
    where member_id = p_member and expires_at = v_bucket_expires and lot_class = v_bucket_class;
    insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
    values (p_member, v_id, v_bucket_expires, v_bucket_class, 0, -v_reclaimed);
  end if;
  if v_need > 0 and v_bucket_expires > p_now then
    select least(remaining, v_need) into v_take from ledger_lots
    where member_id = p_member and expires_at = v_bucket_expires and lot_class = v_bucket_class for update;
    if v_take > 0 then
      update ledger_lots set remaining = remaining - v_take
      where member_id = p_member and expires_at = v_bucket_expires and lot_class = v_bucket_class;
      insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
      values (p_member, v_id, v_bucket_expires, v_bucket_class, -v_take, 0);
    end if;
  end if;
  if v_need > 0 and ledger_consume(p_member, v_id, v_need - v_take, p_now) <> 0 and not v_allow then
    raise exception 'ledger: lots of % do not cover its balance', p_member;
  end if;
  return r;
end $$;

-- Giving back debited points, to exactly the buckets the debit consumed, latest expiry first.
-- Points whose bucket has expired since come back already expired (to program:expired), never as
-- spendable points. Points that pay a clawback debt reach no lot.
create function ledger_reverse_debit(p_member text, o jsonb, p_now timestamptz, t ledger_journal, p_points bigint)
returns jsonb language plpgsql as $$
declare
  v_left bigint := p_points;
  v_debt bigint;
  v_take bigint;
  v_to_lot bigint;
  v_to_available bigint := 0;
  v_to_expired bigint := 0;
  v_id text := ledger_new_id();
  v_available bigint;
  v_pending bigint;
  bucket record;
  r jsonb;
begin
  select greatest(0, -available) into v_debt from ledger_accounts where member_id = p_member;
  for bucket in
    select a.expires_at, a.lot_class,
           sum(case when a.journal_id = t.id then -a.remaining_delta
                    else -(a.remaining_delta + a.expired_delta) end) as restorable
    from ledger_allocations a
    where a.member_id = p_member
      and (a.journal_id = t.id or a.journal_id in (
        select id from ledger_journal where member_id = p_member and reverses_id = t.id and op = 'reverse'))
    group by a.expires_at, a.lot_class
    order by a.expires_at desc, a.lot_class desc
  loop
    exit when v_left = 0;
    v_take := least(bucket.restorable, v_left);
    continue when v_take <= 0;
    if bucket.expires_at > p_now then
      v_to_lot := greatest(0, v_take - v_debt);
      v_debt := v_debt - (v_take - v_to_lot);
      v_to_available := v_to_available + v_take;
      if v_to_lot > 0 then
        update ledger_lots set remaining = remaining + v_to_lot
        where member_id = p_member and expires_at = bucket.expires_at and lot_class = bucket.lot_class;
        insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
        values (p_member, v_id, bucket.expires_at, bucket.lot_class, v_to_lot, 0);
      end if;
    else
      v_to_expired := v_to_expired + v_take;
      update ledger_lots set expired = expired + v_take
      where member_id = p_member and expires_at = bucket.expires_at and lot_class = bucket.lot_class;
      insert into ledger_allocations (member_id, journal_id, expires_at, lot_class, remaining_delta, expired_delta)
      values (p_member, v_id, bucket.expires_at, bucket.lot_class, 0, v_take);
    end if;
    v_left := v_left - v_take;
  end loop;
  if v_left <> 0 then
    raise exception 'ledger: allocations of % do not cover its reversal', t.id;
  end if;
  update ledger_accounts set available = available + v_to_available where member_id = p_member
  returning available, pending into v_available, v_pending;
  r := ledger_record(p_member, v_id, 'reverse', o, p_now, p_points, v_to_available, 0, v_available, v_pending,
    t.counter_account, t.id, array['member:available', 'program:expired', t.counter_account],
    array[v_to_available, v_to_expired, -p_points]);
  update ledger_journal set reversed = reversed + p_points where member_id = p_member and id = t.id;
  return r;
end $$;
