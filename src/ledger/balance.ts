import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

export interface Balance {
  available: number;
  pending: number;
  /** Points still valid at `asOf`, by expiry instant, soonest first; points that never expire are not listed. */
  expiring: { points: number; expiresAt: string }[];
}

/**
 * The balance as it stands at `asOf` (now or later): buckets due by then are left out even before
 * the expiry job has swept them. One statement; reads no lock. Undefined when there is no account.
 */
export async function getBalance(db: Queryable, memberId: string, asOf: Temporal.Instant): Promise<Balance | undefined> {
  const [row] = await db.query<{ available: number; pending: number; expiring: { points: number; expiresAt: string }[] }>(
    sql.balance,
    [memberId, asOf.toString()],
  );
  if (!row) return undefined;
  return {
    available: row.available,
    pending: row.pending,
    // jsonb carries numbers and PostgreSQL's timestamp text; normalise to integers and ISO instants.
    expiring: row.expiring.map((e) => ({ points: Number(e.points), expiresAt: Temporal.Instant.from(e.expiresAt).toString() })),
  };
}

/**
 * The balance as `getBalance` reads it, with the member's account locked until the caller's
 * transaction ends: for a caller that decides an amount from the balance (SR-6 up_to_available
 * takes back at most what the member has), so no debit committing in between makes that amount
 * a refusal. The lock is the ledger's own per-member mutex, taken in the ledger's order.
 */
export async function getBalanceForUpdate(tx: Queryable, memberId: string, asOf: Temporal.Instant): Promise<Balance | undefined> {
  await lockMemberLedger(tx, memberId);
  return getBalance(tx, memberId, asOf);
}

/**
 * Holds the member's ledger mutex until the caller's transaction ends, as every posting does:
 * for a caller that reads what a concurrent posting's transaction also writes (an order's
 * checkout payments), so the read comes after that transaction, never in the middle of it.
 */
export async function lockMemberLedger(tx: Queryable, memberId: string): Promise<void> {
  await tx.query(sql.lockAccount, [memberId]);
}
