-- The points ledger's tables. Every table leads with member_id (Citus-ready: distribute by member).
-- Postings, journal rows and allocations are never updated or deleted; the only mutable
-- rows are caches that `ledger verify` recomputes: account balances, lot balances, hold
-- settlement counters and a journal row's `reversed` counter.

-- One per member: the cached balances and the per-member mutex (every operation locks this row first).
create table ledger_accounts (
  member_id   text primary key,
  program_key text not null,
  available   bigint not null default 0,
  pending     bigint not null default 0 check (pending >= 0),
  opened_at   timestamptz not null
) with (fillfactor = 90);  -- room for HOT updates: balances change on every operation

-- One row per ledger transaction.
create table ledger_journal (
  member_id       text not null references ledger_accounts (member_id),
  id              text not null,
  op              text not null check (op in ('credit', 'debit', 'hold', 'confirm', 'cancel', 'reverse', 'expire', 'forfeit')),
  kind            text not null,            -- the domain's word for it: earn, adjustment, bill_credit, …
  idempotency_key text not null,
  request_hash    text not null,
  points          bigint not null check (points > 0),
  available_delta bigint not null,
  pending_delta   bigint not null,
  available_after bigint not null,
  pending_after   bigint not null,
  counter_account text not null check (counter_account like 'program:%'),
  reverses_id     text,                     -- reverse, confirm, cancel: the transaction acted on
  reversed        bigint not null default 0 check (reversed >= 0 and reversed <= points),
  allow_negative  boolean not null default false,
  occurred_at     timestamptz not null,     -- when it happened in the business (event time)
  recorded_at     timestamptz not null,     -- when the ledger recorded it (the program clock)
  reason          text,
  actor           text not null,            -- who caused it: operator, member, job, upstream system
  metadata        jsonb,
  primary key (member_id, id),
  unique (member_id, idempotency_key)
);
create index ledger_journal_reverses on ledger_journal (member_id, reverses_id) where reverses_id is not null;

-- Double entry: a transaction's postings sum to zero. Member accounts are 'member:available' and
-- 'member:pending'; the program side is 'program:*' (issued, redeemed, expired, forfeited, …).
-- Program totals are sums over these rows; no cached row is shared by all members.
create table ledger_postings (
  member_id  text not null,
  journal_id text not null,
  account    text not null check (account in ('member:available', 'member:pending') or account like 'program:%'),
  amount     bigint not null check (amount <> 0),
  primary key (member_id, journal_id, account),
  foreign key (member_id, journal_id) references ledger_journal (member_id, id) deferrable initially deferred
);

-- Lots bucketed per member × expiry instant × class: a member has a handful of open buckets, so
-- FIFO touches 1–3 rows. 'infinity' is "never expires". `expired` counts points swept by expiry.
create table ledger_lots (
  member_id  text not null references ledger_accounts (member_id),
  expires_at timestamptz not null,
  lot_class  text not null,
  remaining  bigint not null check (remaining >= 0),
  expired    bigint not null default 0 check (expired >= 0),
  primary key (member_id, expires_at, lot_class)
) with (fillfactor = 90);

-- Provenance: which buckets each transaction filled, consumed, expired or restored.
-- lots.remaining = sum(remaining_delta) and lots.expired = sum(expired_delta), per bucket.
create table ledger_allocations (
  member_id       text not null,
  journal_id      text not null,
  expires_at      timestamptz not null,
  lot_class       text not null,
  remaining_delta bigint not null,
  expired_delta   bigint not null,
  primary key (member_id, journal_id, expires_at, lot_class),
  foreign key (member_id, journal_id) references ledger_journal (member_id, id) deferrable initially deferred,
  foreign key (member_id, expires_at, lot_class) references ledger_lots (member_id, expires_at, lot_class)
);

-- Pending points (credited on shipment, SR-3) waiting to be confirmed or cancelled, in part or whole.
create table ledger_holds (
  member_id  text not null,
  journal_id text not null,
  points     bigint not null check (points > 0),
  confirmed  bigint not null default 0 check (confirmed >= 0),
  cancelled  bigint not null default 0 check (cancelled >= 0),
  expires_at timestamptz,
  lot_class  text not null,
  check (confirmed + cancelled <= points),
  primary key (member_id, journal_id),
  foreign key (member_id, journal_id) references ledger_journal (member_id, id) deferrable initially deferred
);
