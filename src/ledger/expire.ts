import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import * as sql from './sql.js';

/** One expiry transaction: the points left in one bucket, taken off the member's available balance. */
export interface Expiry {
  transactionId: string;
  points: number;
  /** The bucket's expiry instant (the transaction's occurredAt) and class. */
  expiresAt: Temporal.Instant;
  lotClass: string;
  /** The member's balances right after it. */
  available: number;
  pending: number;
}

/** An expiry of the nightly job, which covers every program: whose it is, and their program. */
export interface DueExpiry extends Expiry {
  memberId: string;
  program: string;
}

export interface ExpiryChunk {
  members: number;
  buckets: number;
  points: number;
  /** The last member of this chunk: pass it as `after` for the next one; undefined when done. */
  lastMember: string | undefined;
  /** The chunk's expiry transactions, one per bucket, in member and expiry order; empty unless asked for. */
  expiries: DueExpiry[];
}

/** An expiry as `ledger_expire_member` and `ledger_expire_due` write it in JSON. */
interface ExpiryJson {
  transactionId: string;
  points: number;
  expiresAt: string;
  lotClass: string;
  available: number;
  pending: number;
}

/**
 * Expires every bucket due at `asOf` for the next `limit` members after `after`, in one
 * transaction and one round trip. Re-running, or resuming after a crash, expires nothing twice,
 * so each expiry is returned exactly once: by the call that wrote it, when asked (`withExpiries`,
 * which costs about as much again as the expiry); otherwise the chunk's counts only.
 */
export async function expireDueChunk(
  db: Queryable,
  asOf: Temporal.Instant,
  after: string | undefined,
  limit: number,
  options: { withExpiries?: boolean } = {},
): Promise<ExpiryChunk> {
  const [row] = await db.query<{
    members: number;
    buckets: number;
    points: number;
    last_member: string | null;
    expiries: (ExpiryJson & { memberId: string; program: string })[];
  }>(sql.expireDue, [asOf.toString(), after ?? null, limit, options.withExpiries ?? false]);
  // A chunk's thousands of buckets share a few expiry instants (fiscal year ends): parse each once.
  const instants = new Map<string, Temporal.Instant>();
  const expiries = (row?.expiries ?? []).map((e) => ({ ...toExpiry(e, instants), memberId: e.memberId, program: e.program }));
  assert(!options.withExpiries || expiries.length === (row?.buckets ?? 0), 'one expiry transaction per bucket expired');
  return {
    members: row?.members ?? 0,
    buckets: row?.buckets ?? 0,
    points: row?.points ?? 0,
    lastMember: row?.last_member ?? undefined,
    expiries,
  };
}

/**
 * The expiries an operation ran first (a debit, forfeit or reversal expires its member's due
 * buckets lazily): `expired` on its ledger result, on any status, since they commit with the batch.
 */
export function expiriesOf(result: { expired?: unknown }): Expiry[] {
  if (result.expired === undefined) return [];
  assert(Array.isArray(result.expired), 'a ledger result lists its expiries');
  return (result.expired as ExpiryJson[]).map((e) => toExpiry(e));
}

function toExpiry(e: ExpiryJson, instants = new Map<string, Temporal.Instant>()): Expiry {
  assert(typeof e.transactionId === 'string' && Number.isSafeInteger(e.points) && e.points > 0, 'an expiry names its transaction and points');
  let expiresAt = instants.get(e.expiresAt);
  if (!expiresAt) instants.set(e.expiresAt, (expiresAt = Temporal.Instant.from(e.expiresAt)));
  return {
    transactionId: e.transactionId,
    points: e.points,
    expiresAt,
    lotClass: e.lotClass,
    available: e.available,
    pending: e.pending,
  };
}
