-- RELIABILITY J1, J2 (decisions 58, 59): who changed what, written in the transaction of the change,
-- and a hash chain over it that a sealer extends after the fact.
--
-- `xid` is the writing transaction's id (xid8 as bigint: 64 bits, never wraps), so every row of one
-- transaction shares it and a row can be matched with the change it describes. The chain is kept
-- in (xid, id) order: once every transaction below a horizon has ended, no new row can sort below
-- it, which is what lets the sealer chain committed rows without serialising the writers.
-- No personal data: actors and targets are ids (`member:mbr_…`, `operator:opr_…`).
create table audit_log (
  xid        bigint not null default (pg_current_xact_id()::text::bigint),
  id         text not null,
  at         timestamptz not null,     -- the program clock when the request or job run began
  actor      text not null,            -- operator:opr_…, operator:admin-token, member:mbr_…, job:expire, anonymous
  action     text not null,            -- 'POST /v1/members/:id/adjustments', or 'job:monthly-grant'
  targets    text[] not null,          -- the ids the change named: path ids and ids written
  request_id text,                     -- the HTTP request (also in the server log), when one caused it
  ip         text,                     -- the client address as the server saw it (trustProxy applies)
  job_run    text,                     -- program/job/period, when a job run caused it
  primary key (xid, id)
);
create index audit_log_at on audit_log (at);
create index audit_log_actor on audit_log (actor, at);
create index audit_log_targets on audit_log using gin (targets);

-- One entry per sealed row, in chain order: hash = sha256(previous hash || canonical row).
create table audit_chain (
  position bigint primary key,
  xid      bigint not null,
  id       text not null,
  hash     text not null,
  unique (xid, id)
);

-- One per block the sealer wrote: the last position it covers and the chain's hash there.
create table audit_seals (
  position  bigint primary key,
  rows      integer not null check (rows > 0),
  head      text not null,
  sealed_at timestamptz not null default clock_timestamp()
);

-- Writes a transaction's audit row when, and only when, the transaction changed something: called
-- as `select audit_record(…)` at its end. A function rather than `insert … where`, because an
-- INSERT statement is refused in a read-only transaction (liability, data export) even when it
-- would insert nothing; the function's insert never runs there.
create function audit_record(p_id text, p_at timestamptz, p_actor text, p_action text, p_targets text[],
                             p_request_id text, p_ip text, p_job_run text) returns boolean
language plpgsql as $$
begin
  if pg_current_xact_id_if_assigned() is null then
    return false;
  end if;
  insert into audit_log (id, at, actor, action, targets, request_id, ip, job_run)
  values (p_id, p_at, p_actor, p_action, p_targets, p_request_id, p_ip, p_job_run);
  return true;
end
$$;
