import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { overLimitMessage, type Counter } from './plan.js';
import * as sql from './sql.js';

/**
 * FL-4 (the monthly bill-credit cap) and SR-5 (points pay at most the order's total): counts
 * `points` against the member's counter in the caller's transaction, or refuses `over_limit`. The
 * guard is the write itself (`redemption_count`), so the cap is exact at any concurrency; the
 * count is undone with the transaction when a later check refuses.
 */
export async function countAgainst(tx: Queryable, memberId: string, counter: Counter, points: number, params: Record<string, unknown>): Promise<number> {
  const [row] = await tx.query<{ used: number | null }>(sql.count, [memberId, counter.name, points, counter.cap]);
  if (row !== undefined && row.used !== null) return row.used;
  // Refused: read what was used, for the message only (the decision was the write's).
  const [current] = await tx.query<{ used: number }>(sql.counterUsed, [memberId, counter.name]);
  const used = current?.used ?? 0;
  throw refusal('over_limit', overLimitMessage(counter, used, points), { limit: counter.limit, cap: counter.cap, used, requested: points, ...params });
}
