import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

/**
 * Retention of FL-5 step-up keys that ended before `before`: `unused` ones (expired or revoked)
 * are deleted; `used` ones keep their row — the record that a key authorised the redemption —
 * and lose the key's hash. At most `limit` rows; returns how many, fewer than `limit` when done.
 */
export async function retireEndedStepUpKeys(q: Queryable, kind: 'unused' | 'used', before: Temporal.Instant, limit: number): Promise<number> {
  const [row] = await q.query<{ n: number }>(kind === 'unused' ? sql.deleteEndedKeys : sql.forgetUsedKeyHashes, [before.toString(), limit]);
  return row?.n ?? 0;
}
