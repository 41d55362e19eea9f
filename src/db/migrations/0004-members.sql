-- Programs as loaded from their YAML definitions (a reference table under Citus: small, on every node).
create table programs (
  key          text primary key,
  name         text not null,
  definition   jsonb not null,
  content_hash text not null,
  loaded_at    timestamptz not null
);

-- A member of one program. Personal data lives here and nowhere in the ledger (which holds ids only),
-- so erasing a member can keep the ledger whole.
create table members (
  member_id   text primary key,
  program_key text not null references programs (key),
  external_id text not null,
  name        text,
  email       text,
  birth_date  date,
  joined_at   timestamptz not null,
  created_at  timestamptz not null,
  created_by  text not null
);

-- The way in from an upstream system's id to ours. Keyed by (program, external id), not by member:
-- under Citus it is distributed by its own key, written once at enrolment (docs/decisions.md).
-- Its primary key is what makes "one member per external id" exact under concurrency.
create table member_directory (
  program_key text not null references programs (key),
  external_id text not null,
  member_id   text not null,
  primary key (program_key, external_id)
);

-- Idempotency for state-changing requests that are not ledger operations (the ledger keeps its own,
-- per member, in ledger_journal). Written in the same transaction as the change it protects.
create table http_idempotency_keys (
  scope        text not null,   -- who sent it and to which route
  key          text not null,
  request_hash text not null,
  status       int not null,
  body         jsonb not null,
  created_at   timestamptz not null,
  primary key (scope, key)
);
