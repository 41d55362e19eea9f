import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import * as sql from './sql.js';

/**
 * Redemptions and refunds are idempotent per member by the caller's Idempotency-Key, like the
 * ledger's operations (whose key is the same string: `redeem:<key>`, `refund:<key>`). The first
 * answer is kept with the row it made; a replay gets it back, a reuse for another request is
 * `idempotency_key_reused`, and a twin still running is `idempotency_key_in_flight`. Refusals
 * keep nothing, so a retry after one is evaluated afresh.
 */

/** Claims the key for this transaction, or refuses at once when another transaction holds it. */
export async function claimKey(tx: Queryable, memberId: string, key: string): Promise<void> {
  const [row] = await tx.query<{ locked: boolean }>(sql.claimKey, [memberId, key]);
  if (!row?.locked) throw refusal('idempotency_key_in_flight');
}

/** The kept answer of a request with this key, or undefined; refuses a key reused for another request. */
export function replayOf<T>(stored: { request_hash: string; result: T } | undefined, hash: string): T | undefined {
  if (stored === undefined) return undefined;
  if (stored.request_hash !== hash) throw refusal('idempotency_key_reused');
  return stored.result;
}

/** A fingerprint of what is asked: canonical JSON (sorted keys, no undefined), SHA-256. */
export function requestHash(request: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(request)).digest('base64url');
}

