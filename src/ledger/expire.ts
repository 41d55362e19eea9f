import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

export interface ExpiryChunk {
  members: number;
  buckets: number;
  points: number;
  /** The last member of this chunk: pass it as `after` for the next one; undefined when done. */
  lastMember: string | undefined;
}

/**
 * Expires every bucket due at `asOf` for the next `limit` members after `after`, in one
 * transaction. Re-running, or resuming after a crash, expires nothing twice.
 */
export async function expireDueChunk(
  db: Queryable,
  asOf: Temporal.Instant,
  after: string | undefined,
  limit: number,
): Promise<ExpiryChunk> {
  const [row] = await db.query<{ members: number; buckets: number; points: number; last_member: string | null }>(
    sql.expireDue,
    [asOf.toString(), after ?? null, limit],
  );
  return {
    members: row?.members ?? 0,
    buckets: row?.buckets ?? 0,
    points: row?.points ?? 0,
    lastMember: row?.last_member ?? undefined,
  };
}
