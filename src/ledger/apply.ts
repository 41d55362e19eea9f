import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert, refusal, type RefusalCode } from '../errors.js';
import { requestHash, type LedgerOp, type LedgerResult, type LedgerStatus } from './operations.js';
import { expiriesOf, type Expiry } from './expire.js';
import * as sql from './sql.js';

/**
 * Applies operations in one round trip (`ledger_apply`), in order, and returns one result per
 * operation. Refusals are results, not exceptions, so one refused operation leaves the others
 * of its batch alone. The caller's transaction (if `db` is one) decides when it all commits.
 */
export async function applyOperations(db: Queryable, ops: readonly LedgerOp[], now: Temporal.Instant): Promise<LedgerResult[]> {
  if (ops.length === 0) return [];
  // `asked` only shapes the fingerprint; the database gets the operation itself.
  const payload = ops.map(({ asked: _asked, ...sent }, i) => ({ ...sent, hash: requestHash(ops[i]!) }));
  const rows = await db.query<{ results: LedgerResult[] }>(sql.applyOps, [JSON.stringify(payload), now.toString()]);
  const results = rows[0]?.results;
  assert(Array.isArray(results) && results.length === ops.length, 'ledger_apply returns one result per operation');
  return results;
}

export interface Posted {
  transactionId: string;
  points: number;
  available: number;
  pending: number;
  replayed: boolean;
  /** The member's buckets this operation expired first (lazy expiry, before a debit), if any. */
  expired?: readonly Expiry[];
}

/** One operation; a refusal is thrown with its stable code (for interactive callers). */
export async function post(db: Queryable, op: LedgerOp, now: Temporal.Instant): Promise<Posted> {
  const [result] = await applyOperations(db, [op], now);
  assert(result, 'one result for one operation');
  return toPosted(result);
}

export function toPosted(result: LedgerResult): Posted {
  if (result.status !== 'created' && result.status !== 'replayed') throw toRefusal(result);
  const { transactionId, points, available, pending } = result;
  assert(typeof transactionId === 'string' && typeof points === 'number', 'a posted result names its transaction');
  assert(typeof available === 'number' && typeof pending === 'number', 'a posted result carries balances');
  const expired = expiriesOf(result);
  return { transactionId, points, available, pending, replayed: result.status === 'replayed', ...(expired.length > 0 ? { expired } : {}) };
}

const messages: Record<Exclude<LedgerStatus, 'created' | 'replayed'>, (r: LedgerResult) => string> = {
  insufficient_points: (r) => `The member has ${r.available} points available; ${r.requested} are needed`,
  idempotency_key_reused: () => 'This Idempotency-Key was already used with a different request; use a new key',
  idempotency_key_in_flight: () => 'A request with this Idempotency-Key is still being processed; retry shortly',
  invalid_expiry: (r) => `The expiry ${r.expiresAt} is not in the future`,
  exceeds_original: (r) => `Only ${r.remaining} points remain on the original transaction; ${r.requested} were asked`,
  not_reversible: (r) => `A ${r.op} transaction cannot be reversed`,
  nothing_to_forfeit: () => 'The member has no points to forfeit',
  not_found: () => 'No such member account or transaction',
};

export function toRefusal(result: LedgerResult) {
  const status = result.status as Exclude<LedgerStatus, 'created' | 'replayed'>;
  const { status: _status, expired: _expired, ...params } = result;
  return refusal(status satisfies RefusalCode, messages[status](result), params);
}
