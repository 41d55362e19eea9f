-- Redemption (FL-3..FL-6, SR-5): what members spend their points on. Points move only in the
-- ledger (one debit per redemption, one reversal per refund); these tables say what for, and hold
-- the guards that make caps and stock exact: each is a conditional write, never a read, a sum in
-- JavaScript and a write back (RELIABILITY.md A2).
--
-- Lock order inside a redemption's transaction: the step-up failure row, the member's counter
-- row, the reward's stock row, then the ledger's member row (ledger_apply). A refund locks its
-- redemption row, then the ledger's member row. Nothing locks the other way round.

-- One row per redemption. `result` is the answer first given, so a replay with the same
-- Idempotency-Key answers the same bytes whatever happened since (refunds, fulfilment).
create table redemptions (
  member_id       text not null references members (member_id),
  id              text not null,               -- rdm_…
  program_key     text not null references programs (key),
  external_id     text not null,               -- the member's upstream id when redeemed (bill-credit export)
  kind            text not null check (kind in ('bill_credit', 'catalog', 'checkout')),
  points          bigint not null check (points > 0),
  amount_minor    bigint not null check (amount_minor >= 0),
  currency        text not null,
  transaction_id  text not null,               -- the ledger debit
  idempotency_key text not null,
  request_hash    text not null,
  billing_month   text check (billing_month ~ '^\d{4}-\d{2}$'),
  contract_id     text,                        -- bill credit: the line it goes on, when known
  reward_id       text,
  order_id        text,
  refunded        bigint not null default 0 check (refunded >= 0 and refunded <= points),
  step_up         text not null check (step_up in ('not_required', 'trusted_line', 'key')),
  result          jsonb not null,
  created_at      timestamptz not null,
  actor           text not null,
  primary key (member_id, id),
  unique (member_id, idempotency_key),
  check ((kind = 'bill_credit') = (billing_month is not null)),
  check ((kind = 'catalog') = (reward_id is not null)),
  check ((kind = 'checkout') = (order_id is not null))
);
-- `pointbook export bill-credits`: one program's bill credits of one billing month, in id order.
create index redemptions_bill_credits on redemptions (program_key, billing_month, id) where kind = 'bill_credit';

-- FL-4 and SR-5 caps, one row per member and capped thing: 'bill_credit:2026-04' (the monthly
-- cap), 'checkout:<order id>' (points may pay at most the order's total). Member-owned, so two
-- members never contend; the guard is in redemption_count.
create table redemption_counters (
  member_id text not null references members (member_id),
  counter   text not null,
  used      bigint not null,
  cap       bigint not null,
  check (used >= 0 and used <= cap),
  primary key (member_id, counter)
);

-- Counts p_points against the cap, or nothing: returns the new total, or null when it would pass
-- the cap. One statement: the row lock and READ COMMITTED's re-check of the WHERE on the newest
-- row version make the cap exact under any concurrency. The cap is the program's as of now.
-- (A function rather than a statement in sql.ts so the safety suite can swap in a broken one.)
create function redemption_count(p_member text, p_counter text, p_points bigint, p_cap bigint)
returns bigint language sql volatile as $$
  insert into redemption_counters as c (member_id, counter, used, cap)
  select p_member, p_counter, p_points, p_cap where p_points <= p_cap
  on conflict (member_id, counter) do update set used = c.used + excluded.used, cap = excluded.cap
  where c.used + excluded.used <= excluded.cap
  returning used
$$;

-- FL-3: how many of each reward were taken. `stock` is the configured total as of the last take;
-- what is left is the configuration's stock minus `taken`. A program-wide row per reward: a
-- deliberate hot row, held only from the take to the commit.
create table redemption_stock (
  program_key text not null references programs (key),
  reward_id   text not null,
  taken       bigint not null,
  stock       bigint not null,
  check (taken >= 0 and taken <= stock),
  primary key (program_key, reward_id)
);

-- Takes one of the reward, or nothing: returns what is left, or null when none is. Exact under
-- concurrency for the same reasons as redemption_count.
create function redemption_take_stock(p_program text, p_reward text, p_stock bigint)
returns bigint language sql volatile as $$
  insert into redemption_stock as s (program_key, reward_id, taken, stock)
  select p_program, p_reward, 1, p_stock where p_stock >= 1
  on conflict (program_key, reward_id) do update set taken = s.taken + 1, stock = excluded.stock
  where s.taken + 1 <= excluded.stock
  returning stock - taken
$$;

-- FL-6: what a catalog redemption sends, and where: the address as it was when redeemed.
create table redemption_fulfilments (
  member_id        text not null,
  redemption_id    text not null,
  reward_id        text not null,
  status           text not null check (status in ('requested', 'shipped', 'delivered', 'cancelled')),
  shipping_address jsonb,                        -- null when the reward ships nothing
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  primary key (member_id, redemption_id),
  foreign key (member_id, redemption_id) references redemptions (member_id, id)
);

-- SR-5: points given back to a checkout redemption (a cancelled or returned order), in part or whole.
create table redemption_refunds (
  member_id       text not null,
  id              text not null,               -- rfd_…
  redemption_id   text not null,
  points          bigint not null check (points > 0),
  amount_minor    bigint not null check (amount_minor >= 0),
  transaction_id  text not null,               -- the ledger reversal
  idempotency_key text not null,
  request_hash    text not null,
  result          jsonb not null,
  created_at      timestamptz not null,
  actor           text not null,
  primary key (member_id, id),
  unique (member_id, idempotency_key),
  foreign key (member_id, redemption_id) references redemptions (member_id, id)
);

-- FL-5: one-time step-up keys. Only a SHA-256 of the member id and the key is kept; a key is
-- used once, lives minutes, and a newer key revokes the older ones.
create table redemption_step_up_keys (
  member_id     text not null references members (member_id),
  id            text not null,                 -- suk_…
  key_hash      text not null,
  expires_at    timestamptz not null,
  used_at       timestamptz,
  redemption_id text,
  revoked_at    timestamptz,
  created_at    timestamptz not null,
  created_by    text not null,
  primary key (member_id, id)
);

-- Wrong step-up keys per member and day (program zone): past the program's limit no key is
-- accepted that day, so six digits cannot be guessed (10 a day: 1 in 100,000).
create table redemption_step_up_failures (
  member_id text not null references members (member_id),
  day       text not null check (day ~ '^\d{4}-\d{2}-\d{2}$'),
  failures  int not null check (failures >= 0),
  primary key (member_id, day)
);

-- Counts one attempt against the day's limit, or nothing: returns the attempts so far, or null
-- when the limit is reached. A key that turns out right gives its attempt back.
create function redemption_count_step_up_attempt(p_member text, p_day text, p_max int)
returns int language sql volatile as $$
  insert into redemption_step_up_failures as f (member_id, day, failures) values (p_member, p_day, 1)
  on conflict (member_id, day) do update set failures = f.failures + 1
  where f.failures < p_max
  returning failures
$$;
