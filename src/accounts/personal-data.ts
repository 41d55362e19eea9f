import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';

/**
 * What accounts/ holds about a member, for the personal-data export, and its erasure (privacy/,
 * issue #7). Secrets never leave: no password hash, token hash or access-key hash is read here.
 *
 * Sign-ups belong to the person when they name the member, or — an applicant is not yet a member —
 * when, in the member's program and naming no member, they were made with one of the person's
 * addresses (`emails`, lower case).
 */

const account = statement('accounts.personalData.account', `
  select email, locale, created_at, password_changed_at from member_accounts where member_id = $1`);
const accessKey = statement('accounts.personalData.accessKey', `
  select issued_at, issued_by from member_access_keys where member_id = $1`);
const signups = statement('accounts.personalData.signups', `
  select id, kind, email, locale, status, applicant, mismatches, created_at, email_verified_at, reviewed_at
  from signups
  where member_id = $1 or (program_key = $2 and member_id is null and lower(email) = any($3::text[]))
  order by id`);
const sessions = statement('accounts.personalData.sessions', `
  select created_at, expires_at, revoked_at, ip from sessions
  where subject_kind = 'member' and subject_id = $1
  order by created_at`);
const emails = statement('accounts.personalData.emails', `
  select lower(email) as email from member_accounts where member_id = $1
  union
  select lower(email) from signups where member_id = $1`);

export interface LogInAccount {
  email: string;
  locale: 'ja' | 'en';
  createdAt: Temporal.Instant;
  passwordChangedAt: Temporal.Instant;
}

export interface AccessKeyIssue {
  issuedAt: Temporal.Instant;
  issuedBy: string;
}

export interface SignupRecord {
  id: string;
  kind: string;
  email: string;
  locale: string;
  status: string;
  applicant: Record<string, unknown> | null;
  mismatches: string[] | null;
  createdAt: Temporal.Instant;
  emailVerifiedAt: Temporal.Instant | null;
  reviewedAt: Temporal.Instant | null;
}

export interface SessionRecord {
  createdAt: Temporal.Instant;
  expiresAt: Temporal.Instant;
  revokedAt: Temporal.Instant | null;
  ip: string | null;
}

export async function logInAccountOf(q: Queryable, memberId: string): Promise<LogInAccount | undefined> {
  const [row] = await q.query<{ email: string; locale: 'ja' | 'en'; created_at: Temporal.Instant; password_changed_at: Temporal.Instant }>(account, [
    memberId,
  ]);
  return row && { email: row.email, locale: row.locale, createdAt: row.created_at, passwordChangedAt: row.password_changed_at };
}

export async function accessKeyIssueOf(q: Queryable, memberId: string): Promise<AccessKeyIssue | undefined> {
  const [row] = await q.query<{ issued_at: Temporal.Instant; issued_by: string }>(accessKey, [memberId]);
  return row && { issuedAt: row.issued_at, issuedBy: row.issued_by };
}

interface SignupRow {
  id: string;
  kind: string;
  email: string;
  locale: string;
  status: string;
  applicant: Record<string, unknown> | null;
  mismatches: string[] | null;
  created_at: Temporal.Instant;
  email_verified_at: Temporal.Instant | null;
  reviewed_at: Temporal.Instant | null;
}

export async function signupsOf(q: Queryable, person: { memberId: string; program: string; emails: readonly string[] }): Promise<SignupRecord[]> {
  const rows = await q.query<SignupRow>(signups, [person.memberId, person.program, person.emails]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    email: r.email,
    locale: r.locale,
    status: r.status,
    applicant: r.applicant,
    mismatches: r.mismatches,
    createdAt: r.created_at,
    emailVerifiedAt: r.email_verified_at,
    reviewedAt: r.reviewed_at,
  }));
}

export async function sessionsOf(q: Queryable, memberId: string): Promise<SessionRecord[]> {
  const rows = await q.query<{ created_at: Temporal.Instant; expires_at: Temporal.Instant; revoked_at: Temporal.Instant | null; ip: string | null }>(
    sessions,
    [memberId],
  );
  return rows.map((r) => ({ createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, ip: r.ip }));
}

/** The addresses the member logs in or signed up with, lower case. */
export async function accountEmailsOf(q: Queryable, memberId: string): Promise<string[]> {
  return (await q.query<{ email: string }>(emails, [memberId])).map((r) => r.email);
}

// Erasure. Sessions are kept as revoked rows without their address or device, so the history of
// log-ins stays countable; everything that would let anyone log in as the person goes.
const revokeSessions = statement('accounts.erase.revokeSessions', `
  update sessions set revoked_at = coalesce(revoked_at, $2), ip = null, device_hash = null
  where subject_kind = 'member' and subject_id = $1`);
const dropAccountDirectory = statement('accounts.erase.dropAccountDirectory', `
  delete from account_directory d using member_accounts a
  where a.member_id = $1 and d.program_key = a.program_key and d.email = a.email and d.member_id = $1`);
const dropAccount = statement('accounts.erase.dropAccount', `delete from member_accounts where member_id = $1`);
const dropAccessKey = statement('accounts.erase.dropAccessKey', `delete from member_access_keys where member_id = $1`);
// Open sign-ups are closed as rejected: nobody can verify or review them without the applicant's data.
const eraseSignups = statement('accounts.erase.signups', `
  update signups set email = $2, applicant = null, password_hash = null,
    reviewed_at = case when status in ('email_sent', 'pending_review') then $3::timestamptz else reviewed_at end,
    reviewed_by = case when status in ('email_sent', 'pending_review') then $4 else reviewed_by end,
    status = case when status in ('email_sent', 'pending_review') then 'rejected' else status end
  where id = any($1::text[])`);
const useUpLinks = statement('accounts.erase.useUpLinks', `
  update email_tokens set used_at = $2 where subject_id = any($1::text[]) and used_at is null`);
// Throttle rows are keyed by what was typed: the log-in address or the customer id (throttle.ts).
const dropThrottles = statement('accounts.erase.dropThrottles', `delete from login_throttle where scope = any($1::text[])`);

/**
 * Removes the member's log-in (and its directory row), access key and live sessions, closes and
 * strips their sign-ups (`email` becomes `pseudonym`), uses up their emailed links and forgets the
 * throttle counts keyed by their address or customer id. Run inside the erasure's transaction,
 * before members/ replaces the external id.
 */
export async function eraseAccountData(
  tx: Queryable,
  person: { memberId: string; program: string; externalId: string; emails: readonly string[]; pseudonym: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<void> {
  const now = ctx.now.toString();
  const signupIds = (await signupsOf(tx, person)).map((s) => s.id);
  await tx.query(revokeSessions, [person.memberId, now]);
  await tx.query(dropAccountDirectory, [person.memberId]);
  await tx.query(dropAccount, [person.memberId]);
  await tx.query(dropAccessKey, [person.memberId]);
  await tx.query(eraseSignups, [signupIds, person.pseudonym, now, ctx.actor]);
  await tx.query(useUpLinks, [[person.memberId, ...signupIds], now]);
  const scopes = [...person.emails.map((email) => `account:${person.program}:${email}`), `account:${person.program}:customer:${person.externalId}`];
  await tx.query(dropThrottles, [scopes]);
}
