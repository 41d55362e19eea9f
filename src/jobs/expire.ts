import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { expireDueChunk } from '../ledger/index.js';
import { anySubscriberTo, publishPointsExpired } from '../webhooks/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';

/** Expiry is program-independent: one run per instant covers every program's lots. */
export const ALL_PROGRAMS = '*';

/**
 * Expires every lot due at `asOf`, `chunkSize` members per transaction, and publishes
 * `points.expired` for each expiry transaction in the same transaction. Killed half-way, a re-run
 * picks up what is left: expired buckets hold no points, so nothing expires, or is published, twice.
 */
export async function runExpiry(db: Db, asOf: Temporal.Instant, ctx: JobContext, chunkSize = 20_000): Promise<JobOutcome> {
  return runChunked(db, { program: ALL_PROGRAMS, job: 'expire', period: asOf.toString() }, ctx, async (tx, cursor) => {
    // The chunk's expiry transactions only when someone will get them (decision 45: about as
    // costly again as the expiry itself); asked in the chunk's transaction, like the publishing.
    const withExpiries = await anySubscriberTo(tx, 'points.expired');
    const chunk = await expireDueChunk(tx, asOf, cursor ?? undefined, chunkSize, { withExpiries });
    if (chunk.members === 0 || !chunk.lastMember) return undefined;
    await publishPointsExpired(tx, chunk.expiries, { now: ctx.now, actor: ctx.actor });
    return { cursor: chunk.lastMember, counts: { members: chunk.members, lots: chunk.buckets, points: chunk.points } };
  });
}
