import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { expireDueChunk } from '../ledger/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';

/** Expiry is program-independent: one run per instant covers every program's lots. */
export const ALL_PROGRAMS = '*';

/**
 * Expires every lot due at `asOf`, `chunkSize` members per transaction. Killed half-way, a re-run
 * picks up what is left: expired buckets hold no points, so nothing expires twice.
 */
export async function runExpiry(db: Db, asOf: Temporal.Instant, ctx: JobContext, chunkSize = 20_000): Promise<JobOutcome> {
  return runChunked(db, { program: ALL_PROGRAMS, job: 'expire', period: asOf.toString() }, ctx, async (tx, cursor) => {
    const chunk = await expireDueChunk(tx, asOf, cursor ?? undefined, chunkSize);
    if (chunk.members === 0 || !chunk.lastMember) return undefined;
    return { cursor: chunk.lastMember, counts: { members: chunk.members, lots: chunk.buckets, points: chunk.points } };
  });
}
