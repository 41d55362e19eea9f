import type { Temporal } from 'temporal-polyfill';
import type { Db, Queryable } from '../db/index.js';
import { newSecret, secretHash } from './secrets.js';
import * as sql from './sql.js';

/**
 * Opaque bearer sessions, revocable at once (log-out, password change), which signed tokens are not.
 * Lifetimes are absolute: a member's 12 hours, an operator's 8 (a working day).
 */
export type SubjectKind = 'member' | 'operator';
const lifetimeHours: Record<SubjectKind, number> = { member: 12, operator: 8 };

export interface NewSession {
  token: string;
  expiresAt: Temporal.Instant;
}

/** The device a session comes from (decision 72): its SHA-256, when the client sent one, and whether it is verified. */
export interface SessionDevice {
  hash: string | null;
  verified: boolean;
}

/**
 * Starts a session. Without `device` the caller vouches for it as verified: an operator's, or a
 * member's that proved more than a password (the end of a sign-up, tests' logged-in members);
 * `logInMember` passes the device it saw, verified or not.
 */
export async function startSession(
  q: Queryable,
  subject: { kind: SubjectKind; id: string },
  ctx: { now: Temporal.Instant; ip?: string | undefined; device?: SessionDevice | undefined },
): Promise<NewSession> {
  const token = newSecret('pbs');
  const expiresAt = ctx.now.add({ hours: lifetimeHours[subject.kind] });
  const device = ctx.device ?? { hash: null, verified: true };
  await q.query(sql.insertSession, [
    secretHash(token), subject.kind, subject.id, ctx.now.toString(), expiresAt.toString(), ctx.ip ?? null,
    device.hash, device.verified ? ctx.now.toString() : null,
  ]);
  return { token, expiresAt };
}

export interface SessionSubject {
  kind: SubjectKind;
  id: string;
  tokenHash: string;
}

export async function findSession(db: Db, token: string, now: Temporal.Instant): Promise<SessionSubject | undefined> {
  const tokenHash = secretHash(token);
  const [row] = await db.query<sql.SessionRow>(sql.findSession, [tokenHash, now.toString()]);
  return row && { kind: row.subject_kind, id: row.subject_id, tokenHash };
}

export async function endSession(db: Db, tokenHash: string, now: Temporal.Instant): Promise<void> {
  await db.query(sql.revokeSession, [tokenHash, now.toString()]);
}

/**
 * After a credential change every other session ends, so a thief's session dies with the old
 * password, and their devices are no longer known: each must pass a second factor again.
 */
export async function endOtherSessions(q: Queryable, subjectId: string, keepTokenHash: string | null, now: Temporal.Instant): Promise<void> {
  await q.query(sql.revokeSessionsOf, [subjectId, now.toString(), keepTokenHash]);
  await q.query(sql.forgetDevicesOf, [subjectId, keepTokenHash]);
}
