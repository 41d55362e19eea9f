-- Accounts: how members (FL-1) and operators prove who they are. Secrets are never stored: passwords
-- as argon2id PHC strings, tokens (sessions, links, access keys) as SHA-256 of 256-bit random values,
-- which are too long to guess and so need no slow hash.

-- A member's log-in: one per member, by email within the program.
create table member_accounts (
  member_id           text primary key references members (member_id),
  program_key         text not null references programs (key),
  email               text not null,   -- as normalised for log-in (trimmed, lower case)
  password_hash       text not null,
  locale              text not null check (locale in ('ja', 'en')),   -- of the emails we send
  created_at          timestamptz not null,
  password_changed_at timestamptz not null
);

-- The way in from (program, email) to the account. Keyed like member_directory, and for the same
-- reason: its primary key makes "one account per email" exact under concurrency.
create table account_directory (
  program_key text not null references programs (key),
  email       text not null,
  member_id   text not null,
  primary key (program_key, email)
);

-- FL-1: the access key printed on the activation letter, kept as SHA-256. A new key replaces the old.
create table member_access_keys (
  member_id  text primary key references members (member_id),
  key_hash   text not null,
  issued_at  timestamptz not null,
  issued_by  text not null
);

-- A sign-up from its first form to an account. `access_key` and `registered_email` sign-ups know their member at once;
-- `easy` ones carry what the applicant told us (used only to find and check their contract, DN-8)
-- and wait for an operator to verify it against the contract (about 2 days).
create table signups (
  id                  text primary key,   -- sgn_…
  program_key         text not null references programs (key),
  kind                text not null check (kind in ('access_key', 'registered_email', 'easy')),
  email               text not null,
  locale              text not null check (locale in ('ja', 'en')),
  member_id           text,               -- known at once (access_key) or once verified (easy)
  applicant           jsonb,              -- easy: name, phone, contractId
  status              text not null check (status in ('email_sent', 'pending_review', 'active', 'rejected')),
  password_hash       text,               -- easy: set from the email link, moved to the account when verified
  mismatches          jsonb,              -- rejected: the fields that did not match
  created_at          timestamptz not null,
  email_verified_at   timestamptz,
  reviewed_at         timestamptz,
  reviewed_by         text
);
create index signups_to_review on signups (program_key, created_at) where status = 'pending_review';

-- One-time links mailed to a person: sign-up verification and password reset. Used once, short-lived.
create table email_tokens (
  token_hash  text primary key,
  purpose     text not null check (purpose in ('signup', 'password_reset')),
  subject_id  text not null,               -- sgn_… or mbr_…
  expires_at  timestamptz not null,
  used_at     timestamptz,
  created_at  timestamptz not null
);

-- People who run the programs. The API token (POINTBOOK_ADMIN_TOKEN) is the admin outside this table.
create table operators (
  id            text primary key,          -- opr_…
  email         text not null unique,
  name          text not null,
  role          text not null check (role in ('support', 'marketing', 'finance', 'admin')),
  password_hash text not null,
  created_at    timestamptz not null,
  created_by    text not null,
  disabled_at   timestamptz
);

-- Bearer sessions of members and operators, looked up by the token's SHA-256.
create table sessions (
  token_hash   text primary key,
  subject_kind text not null check (subject_kind in ('member', 'operator')),
  subject_id   text not null,
  created_at   timestamptz not null,
  expires_at   timestamptz not null,
  revoked_at   timestamptz,
  ip           text
);
create index sessions_of_subject on sessions (subject_id) where revoked_at is null;

-- Failed log-ins per account and per client address (RELIABILITY.md F1). Keyed by what was typed,
-- whether or not such an account exists, so throttling says nothing about who has an account.
create table login_throttle (
  scope           text primary key,        -- account:<program>:<email> | operator:<email> | ip:<address>
  failures        int not null,
  window_start    timestamptz not null,
  locked_until    timestamptz
);
