-- Events from upstream systems, and the state they build (orders, bills).

-- Every applied event, by its id: a resend is a duplicate and changes nothing. Rejected events are
-- not kept (a rejection changes nothing), so a corrected resend is evaluated afresh.
create table member_events (
  member_id   text not null references members (member_id),
  event_id    text not null,
  type        text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  data        jsonb not null,
  outcome     jsonb not null,
  actor       text not null,
  primary key (member_id, event_id)
);

-- Orders (SR-2, SR-3, SR-6): the points each line earned, and how much of each line shipped and came back.
create table member_orders (
  member_id        text not null references members (member_id),
  order_id         text not null,
  placed_at        timestamptz not null,
  currency         text not null,
  lines            jsonb not null,          -- [{index, sku, quantity, points, parts, shipped, returned}]
  points           bigint not null check (points >= 0),
  hold_transaction text,                    -- the hold of the pending points (SR-3)
  pending          bigint not null default 0 check (pending >= 0),  -- still open on that hold
  credits          jsonb not null default '[]',  -- ledger transactions that made points available
  status           text not null check (status in ('placed', 'shipped', 'cancelled', 'returned')),
  updated_at       timestamptz not null,
  primary key (member_id, order_id)
);

-- What billing says a member was charged per billing month (SU-10's premium-law threshold).
create table member_bills (
  member_id     text not null references members (member_id),
  billing_month text not null check (billing_month ~ '^\d{4}-\d{2}$'),
  amount_minor  bigint not null,
  currency      text not null,
  received_at   timestamptz not null,
  primary key (member_id, billing_month)
);

-- Program-wide caps (SR-1: the first 1,000 enrollees). One row per capped counter: a deliberate
-- hot row, touched only by enrolments inside the bonus window; the guard is in the update.
create table program_counters (
  program_key text not null references programs (key),
  counter     text not null,
  used        bigint not null default 0,
  cap         bigint not null,
  check (used >= 0 and used <= cap),
  primary key (program_key, counter)
);

-- Who got which one-off bonus: the guard against counting one member twice against a cap.
create table member_bonus_awards (
  member_id   text not null references members (member_id),
  bonus_id    text not null,
  awarded_at  timestamptz not null,
  transaction text,
  primary key (member_id, bonus_id)
);

-- Batch jobs, one row per (program, job, period): a re-run of a finished period is a no-op, and
-- an interrupted run resumes from its cursor.
create table job_runs (
  program_key text not null,
  job         text not null,
  period      text not null,
  status      text not null check (status in ('running', 'done')),
  cursor      text,
  counts      jsonb not null default '{}',
  started_at  timestamptz not null,
  finished_at timestamptz,
  actor       text not null,
  owner       text not null,             -- the process running it
  lease_until timestamptz not null,      -- wall clock: another process may take over after this
  primary key (program_key, job, period)
);
