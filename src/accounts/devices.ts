import { AsyncLocalStorage } from 'node:async_hooks';
import type { Temporal } from 'temporal-polyfill';
import { auditScope } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { secretHash } from './secrets.js';
import * as sql from './sql.js';

/**
 * Known devices (RELIABILITY.md F3, decision 72). The portal keeps a long random device id and
 * sends it with the log-in; only its SHA-256 is kept, on the session. A device is known for a
 * member once one of its sessions was verified by a second factor, and stays known while such a
 * session is kept. A session from a device that is not verified may look, but anything that
 * spends points or changes credentials first asks for a step-up, which verifies it.
 */
export function deviceHash(device: string): string {
  return secretHash(device);
}

/**
 * The member session a request acts with, for services that must know whether its device is
 * verified without every route passing it down: set per request by the HTTP layer, in
 * AsyncLocalStorage like the audit scope (decision 58).
 */
export interface ActingMember {
  memberId: string;
  sessionTokenHash: string;
}

const acting = new AsyncLocalStorage<ActingMember>();

/** Runs `fn` (and everything it starts) as `member`'s session. */
export function withActingMember<T>(member: ActingMember, fn: () => T): T {
  return acting.run(member, fn);
}

/**
 * `verified: false` carries the session to verify once a second factor is met; null when there
 * is none to verify (another member's session, or a member request outside any session scope).
 */
export type ActingDevice = { verified: true } | { verified: false; sessionTokenHash: string | null };

/**
 * Whether whoever acts on `memberId` now does so from a verified device. Operators, the API token
 * and jobs act for members from no device of theirs: verified. A member's request that nobody put
 * in a session scope is not trusted (fail closed).
 */
export async function actingDevice(q: Queryable, memberId: string): Promise<ActingDevice> {
  const member = acting.getStore();
  if (!member) return auditScope()?.actor.startsWith('member:') ? { verified: false, sessionTokenHash: null } : { verified: true };
  if (member.memberId !== memberId) return { verified: false, sessionTokenHash: null };
  const [row] = await q.query<{ device_verified_at: Temporal.Instant | null }>(sql.sessionDevice, [member.sessionTokenHash]);
  return row?.device_verified_at ? { verified: true } : { verified: false, sessionTokenHash: member.sessionTokenHash };
}

/** A second factor was met: the session's device is verified, and known for later log-ins. */
export async function verifyActingDevice(q: Queryable, device: ActingDevice, now: Temporal.Instant): Promise<void> {
  if (!device.verified && device.sessionTokenHash !== null) await q.query(sql.verifySessionDevice, [device.sessionTokenHash, now.toString()]);
}
