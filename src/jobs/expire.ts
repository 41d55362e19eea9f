import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { countMembersWithDueLots, expireDueChunk } from '../ledger/index.js';

export interface ExpiryRun {
  members: number;
  buckets: number;
  points: number;
}

export interface Progress {
  /** Called once with the total number of members to process, then after every chunk. */
  start?(totalMembers: number): void;
  advance?(done: ExpiryRun): void;
}

/**
 * Expires every bucket due at `asOf`, in chunks of `chunkSize` members, one transaction each.
 * Killed half-way, a re-run picks up what is left: expired buckets hold no points, so nothing
 * expires twice.
 */
export async function runExpiry(db: Queryable, asOf: Temporal.Instant, chunkSize = 20_000, progress: Progress = {}): Promise<ExpiryRun> {
  progress.start?.(await countMembersWithDueLots(db, asOf));
  const total: ExpiryRun = { members: 0, buckets: 0, points: 0 };
  let after: string | undefined;
  for (;;) {
    const chunk = await expireDueChunk(db, asOf, after, chunkSize);
    if (chunk.members === 0) return total;
    total.members += chunk.members;
    total.buckets += chunk.buckets;
    total.points += chunk.points;
    progress.advance?.(total);
    after = chunk.lastMember;
  }
}
