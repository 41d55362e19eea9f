import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
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

const countDue = statement('ledger.countDueMembers', `
  select count(distinct member_id)::bigint as members from ledger_lots where remaining > 0 and expires_at <= $1`);

/** How many members have buckets due at `asOf` (for progress reporting). */
export async function countMembersWithDueLots(db: Queryable, asOf: Temporal.Instant): Promise<number> {
  const [row] = await db.query<{ members: number }>(countDue, [asOf.toString()]);
  return row?.members ?? 0;
}
