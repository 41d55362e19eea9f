import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

// Sessions
export const insertSession = statement('accounts.insertSession', `
  insert into sessions (token_hash, subject_kind, subject_id, created_at, expires_at, ip, device_hash, device_verified_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8)`);
export const findSession = statement('accounts.findSession', `
  select subject_kind, subject_id, expires_at from sessions where token_hash = $1 and revoked_at is null and expires_at > $2`);
export const revokeSession = statement('accounts.revokeSession', `
  update sessions set revoked_at = $2 where token_hash = $1 and revoked_at is null`);
// Every live session of a person but, optionally, the one in use.
export const revokeSessionsOf = statement('accounts.revokeSessionsOf', `
  update sessions set revoked_at = $2 where subject_id = $1 and revoked_at is null and token_hash is distinct from $3`);
// After a credential change only the session in use (if any) keeps its device known (decision 72).
export const forgetDevicesOf = statement('accounts.forgetDevicesOf', `
  update sessions set device_hash = null where subject_id = $1 and device_hash is not null and token_hash is distinct from $2`);

// Known devices (F3) and credential-stuffing detection (F2), decision 72: what a log-in learns
// before its password is checked, in one statement whatever the email, so an unknown one costs what
// a known one does. `known`: the device ($6, its hash; null: none sent) has a verified session of the
// account. `challenged`: the program's cool-off runs, or the address ($3) has failed on $4 or more
// accounts within $7 seconds ($4 null: no address limit).
export const logInGate = statement('accounts.logInGate', `
  select
    exists (
      select 1 from account_directory d join sessions s on s.subject_id = d.member_id
      where $6::text is not null and d.program_key = $1 and d.email = $5 and s.subject_kind = 'member'
        and s.device_hash = $6 and s.device_verified_at is not null
    ) as known,
    coalesce((select challenged_until > $2::timestamptz from login_defence where program_key = $1), false)
      or coalesce($4::int <= (select count(*)::int from login_address_accounts
                              where address_key = $3 and seen_at > $2::timestamptz - $7::int * interval '1 second'), false) as challenged`);
export const sessionDevice = statement('accounts.sessionDevice', `
  select subject_id, device_verified_at from sessions where token_hash = $1`);
export const verifySessionDevice = statement('accounts.verifySessionDevice', `
  update sessions set device_verified_at = $2 where token_hash = $1 and device_verified_at is null`);

// One more unsuccessful log-in, in one statement. For the program ($1; $3 the threshold, null: not
// counted; $4 the window and $5 the cool-off in seconds): at the threshold, and at every one after
// it in the window, the cool-off starts again. For the address ($6, null: not counted) and the
// account ($7): seen now ($2); a few rows older than $8 go with it, so the table holds about one
// window of failures.
export const countUnsuccessfulLogIn = statement('accounts.countUnsuccessfulLogIn', `
  with program as (
    insert into login_defence as d (program_key, window_start, failures, challenged_until)
    select $1, $2::timestamptz, 1, case when $3::int <= 1 then $2::timestamptz + $5::int * interval '1 second' end
    where $3::int is not null
    on conflict (program_key) do update set
      failures = case when d.window_start <= $2::timestamptz - $4::int * interval '1 second' then 1 else d.failures + 1 end,
      window_start = case when d.window_start <= $2::timestamptz - $4::int * interval '1 second' then $2::timestamptz else d.window_start end,
      challenged_until = case when (case when d.window_start <= $2::timestamptz - $4::int * interval '1 second' then 1 else d.failures + 1 end) >= $3::int
                              then greatest(d.challenged_until, $2::timestamptz + $5::int * interval '1 second') else d.challenged_until end
    returning 1),
  gone as (
    delete from login_address_accounts where $6::text is not null and (address_key, account_key) in (
      select address_key, account_key from login_address_accounts where seen_at < $8::timestamptz limit 20)
    and not (address_key = $6 and account_key = $7))
  insert into login_address_accounts (address_key, account_key, seen_at) select $6, $7, $2::timestamptz where $6::text is not null
  on conflict (address_key, account_key) do update set seen_at = excluded.seen_at`);

// Emailed log-in codes (decision 72), in email_tokens: the hash names the account and the code.
// An ended code of the same hash (the same account drew the same code before) is replaced.
export const insertLoginCode = statement('accounts.insertLoginCode', `
  insert into email_tokens (token_hash, purpose, subject_id, expires_at, created_at) values ($1, 'login_code', $2, $3, $4)
  on conflict (token_hash) do update set subject_id = excluded.subject_id, expires_at = excluded.expires_at, created_at = excluded.created_at, used_at = null
  where email_tokens.purpose = 'login_code' and (email_tokens.used_at is not null or email_tokens.expires_at <= excluded.created_at)
  returning token_hash`);
export const liveLoginCode = statement('accounts.liveLoginCode', `
  select subject_id from email_tokens where token_hash = $1 and purpose = 'login_code' and used_at is null and expires_at > $2`);

export interface SessionRow {
  subject_kind: 'member' | 'operator';
  subject_id: string;
  expires_at: Temporal.Instant;
}

// Retention: sessions that ended (expired or revoked) before $1, at most $2 per statement. An
// ended session lets nobody in; it is kept a while only to answer "was I logged in from …?".
export const deleteEndedSessions = statement('accounts.deleteEndedSessions', `
  with gone as (
    delete from sessions where token_hash in (
      select token_hash from sessions where least(expires_at, revoked_at) < $1 limit $2)
    returning 1)
  select count(*)::int as n from gone`);

// Throttling: one attempt is claimed before the password is checked, so concurrent guesses cannot
// pass the limit. No row back: locked. $3 limit, $4 window and $5 lock in seconds.
export const claimAttempt = statement('accounts.claimAttempt', `
  insert into login_throttle as t (scope, failures, window_start, locked_until)
  values ($1, 1, $2::timestamptz, case when $3::int <= 1 then $2::timestamptz + $5::int * interval '1 second' end)
  on conflict (scope) do update set
    failures = case when t.window_start <= $2::timestamptz - $4::int * interval '1 second' then 1 else t.failures + 1 end,
    window_start = case when t.window_start <= $2::timestamptz - $4::int * interval '1 second' then $2::timestamptz else t.window_start end,
    locked_until = case when (case when t.window_start <= $2::timestamptz - $4::int * interval '1 second' then 1 else t.failures + 1 end) >= $3::int
                        then $2::timestamptz + $5::int * interval '1 second' end
  where t.locked_until is null or t.locked_until <= $2::timestamptz
  returning failures`);
export const lockedUntil = statement('accounts.lockedUntil', `select locked_until from login_throttle where scope = $1`);
// A right password gives its attempt back: the account's count starts again, the address's drops one.
export const clearThrottle = statement('accounts.clearThrottle', `delete from login_throttle where scope = $1`);
export const giveAttemptBack = statement('accounts.giveAttemptBack', `
  update login_throttle set failures = greatest(failures - 1, 0),
    locked_until = case when failures - 1 < $2 then null else locked_until end
  where scope = $1`);

// Member accounts
export const claimEmail = statement('accounts.claimEmail', `
  insert into account_directory (program_key, email, member_id) values ($1, $2, $3)
  on conflict (program_key, email) do nothing returning member_id`);
export const insertAccount = statement('accounts.insertAccount', `
  insert into member_accounts (member_id, program_key, email, password_hash, locale, created_at, password_changed_at)
  values ($1, $2, $3, $4, $5, $6, $6) on conflict (member_id) do nothing returning member_id`);
export const findAccountByEmail = statement('accounts.findAccountByEmail', `
  select a.member_id, a.program_key, a.email, a.password_hash, a.locale from account_directory d join member_accounts a using (member_id)
  where d.program_key = $1 and d.email = $2`);
export const getAccount = statement('accounts.getAccount', `
  select member_id, program_key, email, password_hash, locale from member_accounts where member_id = $1`);
export const setPassword = statement('accounts.setPassword', `
  update member_accounts set password_hash = $2, password_changed_at = $3 where member_id = $1`);

export interface AccountRow {
  member_id: string;
  program_key: string;
  email: string;
  password_hash: string;
  locale: 'ja' | 'en';
}

// Access keys (FL-1 activation letters)
export const upsertAccessKey = statement('accounts.upsertAccessKey', `
  insert into member_access_keys (member_id, key_hash, issued_at, issued_by) values ($1, $2, $3, $4)
  on conflict (member_id) do update set key_hash = excluded.key_hash, issued_at = excluded.issued_at, issued_by = excluded.issued_by`);
export const getAccessKey = statement('accounts.getAccessKey', `select key_hash from member_access_keys where member_id = $1`);

// Sign-ups
export const insertSignup = statement('accounts.insertSignup', `
  insert into signups (id, program_key, kind, email, locale, member_id, applicant, status, created_at)
  values ($1, $2, $3, $4, $5, $6, $7, 'email_sent', $8)`);
export const getSignup = statement('accounts.getSignup', `select * from signups where id = $1`);
export const lockSignup = statement('accounts.lockSignup', `select * from signups where id = $1 for update`);
export const signupEmailVerified = statement('accounts.signupEmailVerified', `
  update signups set status = $2, email_verified_at = $3, password_hash = $4 where id = $1`);
export const reviewSignup = statement('accounts.reviewSignup', `
  update signups set status = $2, member_id = coalesce($3, member_id), mismatches = $4, reviewed_at = $5, reviewed_by = $6,
    password_hash = case when $2 = 'active' then null else password_hash end
  where id = $1`);
export const signupsToReview = statement('accounts.signupsToReview', `
  select * from signups where program_key = $1 and status = 'pending_review' and ($2::text is null or id > $2)
  order by id limit $3`);
export const pendingSignupByEmail = statement('accounts.pendingSignupByEmail', `
  select * from signups where program_key = $1 and email = $2 and status = 'pending_review' order by id desc limit 1`);

export interface SignupRow {
  id: string;
  program_key: string;
  kind: SignupKind;
  email: string;
  locale: 'ja' | 'en';
  member_id: string | null;
  applicant: { name: string; phone: string; contractId?: string } | null;
  status: 'email_sent' | 'pending_review' | 'active' | 'rejected';
  password_hash: string | null;
  mismatches: string[] | null;
  created_at: Temporal.Instant;
  email_verified_at: Temporal.Instant | null;
  reviewed_at: Temporal.Instant | null;
  reviewed_by: string | null;
}

// One-time email links
export const insertEmailToken = statement('accounts.insertEmailToken', `
  insert into email_tokens (token_hash, purpose, subject_id, expires_at, created_at) values ($1, $2, $3, $4, $5)`);
// Used up in the same statement that finds it, so a link works once even when clicked twice at once.
export const useEmailToken = statement('accounts.useEmailToken', `
  update email_tokens set used_at = $3 where token_hash = $1 and purpose = $2 and used_at is null and expires_at > $3
  returning subject_id`);
export const signupOfToken = statement('accounts.signupOfToken', `
  select s.* from email_tokens t join signups s on s.id = t.subject_id
  where t.token_hash = $1 and t.purpose = 'signup' and t.used_at is null and t.expires_at > $2`);
export const accountOfResetToken = statement('accounts.accountOfResetToken', `
  select a.member_id, a.program_key, a.email, a.password_hash, a.locale from email_tokens t join member_accounts a on a.member_id = t.subject_id
  where t.token_hash = $1 and t.purpose = 'password_reset' and t.used_at is null and t.expires_at > $2`);
// A new link revokes the older ones of the same purpose.
export const revokeEmailTokens = statement('accounts.revokeEmailTokens', `
  update email_tokens set used_at = $3 where subject_id = $1 and purpose = $2 and used_at is null`);

// Retention: emailed links used or expired before $1, at most $2 per statement. The sign-up or
// account they served keeps its own times (email_verified_at, password_changed_at).
export const deleteEndedEmailTokens = statement('accounts.deleteEndedEmailTokens', `
  with gone as (
    delete from email_tokens where token_hash in (
      select token_hash from email_tokens where least(expires_at, used_at) < $1 limit $2)
    returning 1)
  select count(*)::int as n from gone`);

// Operators
export const insertOperator = statement('accounts.insertOperator', `
  insert into operators (id, email, name, role, password_hash, created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7)
  on conflict (email) do nothing returning id, email, name, role, created_at, disabled_at`);
export const findOperatorByEmail = statement('accounts.findOperatorByEmail', `
  select id, email, name, role, password_hash, disabled_at from operators where email = $1`);
export const getOperator = statement('accounts.getOperator', `
  select id, email, name, role, created_at, disabled_at from operators where id = $1`);
export const listOperators = statement('accounts.listOperators', `
  select id, email, name, role, created_at, disabled_at from operators order by id`);
export const disableOperator = statement('accounts.disableOperator', `
  update operators set disabled_at = coalesce(disabled_at, $2) where id = $1
  returning id, email, name, role, created_at, disabled_at`);

export interface OperatorRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Temporal.Instant;
  disabled_at: Temporal.Instant | null;
}

export type SignupKind = 'access_key' | 'registered_email' | 'easy';
export type Role = 'support' | 'marketing' | 'finance' | 'admin';
