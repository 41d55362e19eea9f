import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { refusal } from '../errors.js';
import * as sql from './sql.js';

/**
 * Log-in throttling (RELIABILITY.md F1). Two scopes per attempt: what was typed as the account
 * (whether or not it exists, so locking says nothing about who has an account) and the client
 * address. An account locks for 15 minutes after 10 consecutive failures, and after that allows one
 * try per 15 minutes until a right password or a reset link clears it — so its owner is never
 * locked out for long, and a guesser gets about 100 tries a day. An address locks after 100
 * failures in 15 minutes (credential stuffing across many accounts).
 */
export interface ThrottlePolicy {
  limit: number;
  windowSeconds: number;
  lockSeconds: number;
}

export const accountPolicy: ThrottlePolicy = { limit: 10, windowSeconds: 86_400, lockSeconds: 900 };
export const addressPolicy: ThrottlePolicy = { limit: 100, windowSeconds: 900, lockSeconds: 900 };

export interface Scope {
  key: string;
  policy: ThrottlePolicy;
}

export const accountScope = (kind: 'account' | 'operator', identifier: string): Scope => ({ key: `${kind}:${identifier}`, policy: accountPolicy });
export const addressScope = (ip: string): Scope => ({ key: `ip:${ip}`, policy: addressPolicy });

/**
 * Claims one attempt in every scope, each committed at once (a failure must count even though
 * the request then fails), or refuses `too_many_attempts` with when to try again.
 */
export async function claimAttempt(db: Db, scopes: readonly Scope[], now: Temporal.Instant): Promise<void> {
  for (const scope of scopes) {
    const { key, policy } = scope;
    const claimed = await db.query(sql.claimAttempt, [key, now.toString(), policy.limit, policy.windowSeconds, policy.lockSeconds]);
    if (claimed.length > 0) continue;
    const [row] = await db.query<{ locked_until: Temporal.Instant | null }>(sql.lockedUntil, [key]);
    const retryAfter = row?.locked_until ? Math.max(1, Math.ceil(row.locked_until.since(now).total('seconds'))) : policy.lockSeconds;
    // Scopes claimed before this one keep their attempt: it was made, only refused.
    throw refusal('too_many_attempts', `Too many failed log-ins; try again in ${Math.ceil(retryAfter / 60)} minutes, or reset the password by email`, {
      retryAfter,
    });
  }
}

/** A right password: the account starts counting again, the address gets its attempt back. */
export async function attemptSucceeded(db: Db, scopes: readonly Scope[]): Promise<void> {
  for (const { key, policy } of scopes) {
    if (key.startsWith('ip:')) await db.query(sql.giveAttemptBack, [key, policy.limit]);
    else await db.query(sql.clearThrottle, [key]);
  }
}

/** A reset link proves the owner: their account is unlocked (F1: no lock-out denial of service). */
export async function clearAccountThrottle(db: Db, scope: Scope): Promise<void> {
  await db.query(sql.clearThrottle, [scope.key]);
}
