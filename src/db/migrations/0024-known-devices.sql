-- RELIABILITY.md F2, F3 (decision 72): known devices and credential-stuffing detection.

-- A member session remembers the device it came from (the SHA-256 of the portal's device id; the
-- id itself is never stored) and whether that device is verified for the member: known from an
-- earlier verified session, or verified in this one by a second factor (a step-up key, the
-- registered line, an emailed log-in code, a sign-up link). A device is known while a verified
-- session of it is kept (retention deletes ended sessions after 30 days). Sessions started before
-- this migration stay unverified: at most 12 hours of one more step-up.
alter table sessions add column device_hash text;
alter table sessions add column device_verified_at timestamptz;
create index sessions_known_devices on sessions (subject_id, device_hash) where device_verified_at is not null and device_hash is not null;

-- The emailed one-time log-in code that lets an owner in while log-ins are challenged.
alter table email_tokens drop constraint email_tokens_purpose_check;
alter table email_tokens add constraint email_tokens_purpose_check check (purpose in ('signup', 'password_reset', 'login_code'));

-- Unsuccessful log-ins from devices not known for the account, per program, in fixed windows that
-- start with the first; at the threshold the program's log-ins are challenged until
-- `challenged_until`, which every further one pushes on. Unlogged like http_rate_limits: a crash
-- of PostgreSQL forgets the count, and an attack still going on is detected again.
create unlogged table login_defence (
  program_key      text primary key references programs (key),
  window_start     timestamptz not null,
  failures         integer not null check (failures > 0),
  challenged_until timestamptz
);

-- The accounts that failed from each client address lately (both as SHA-256: no email and no
-- address in the table): an address that has tried too many is challenged on its own.
create unlogged table login_address_accounts (
  address_key text not null,
  account_key text not null,
  seen_at     timestamptz not null,
  primary key (address_key, account_key)
);
create index login_address_accounts_seen_at on login_address_accounts (seen_at);
