import type { Temporal } from 'temporal-polyfill';
import type { RetentionPolicy } from '../config.js';
import type { Db, Queryable } from '../db/index.js';
import { advanceRun, claimRun, finishRun, type Counts, type RunKey } from './runs.js';

export interface JobOutcome {
  program: string;
  job: string;
  period: string;
  /** done: ran to the end now; already_done: a finished period (a re-run is a no-op); running_elsewhere: another process holds it. */
  status: 'done' | 'already_done' | 'running_elsewhere';
  counts: Counts;
}

export interface Chunk {
  cursor: string;
  counts: Counts;
}

export interface JobContext {
  now: Temporal.Instant;
  actor: string;
  onProgress?: (counts: Counts) => void;
  /** Where the member portal is, for links in emails (SU-5); default http://localhost:3000. */
  publicUrl?: string | undefined;
  /** The deployment's retention, for the `retention` job; default `defaultRetention`. */
  retention?: RetentionPolicy | undefined;
}

/**
 * Runs a job for one period as a series of chunks, each in its own transaction together with the
 * run's new cursor, so a crash resumes after the last committed chunk and nothing is done twice.
 * `next` processes the chunk after `cursor` and returns undefined when nothing is left.
 */
export async function runChunked(
  db: Db,
  key: RunKey,
  ctx: JobContext,
  next: (tx: Queryable, cursor: string | null) => Promise<Chunk | undefined>,
): Promise<JobOutcome> {
  const claim = await claimRun(db, key, ctx);
  if (!claim.claimed) {
    return { ...key, status: claim.status === 'done' ? 'already_done' : 'running_elsewhere', counts: claim.counts };
  }
  let { cursor, counts } = claim;
  for (;;) {
    const chunk = await db.transaction(async (tx) => {
      const result = await next(tx, cursor);
      if (result) await advanceRun(tx, key, result.cursor, add(counts, result.counts));
      return result;
    });
    if (!chunk) break;
    cursor = chunk.cursor;
    counts = add(counts, chunk.counts);
    ctx.onProgress?.(counts);
  }
  await finishRun(db, key, counts, ctx.now);
  return { ...key, status: 'done', counts };
}

function add(a: Counts, b: Counts): Counts {
  const sum: Counts = { ...a };
  for (const [k, v] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

/** Tallies ledger results by status: { created: 10, replayed: 2, … }. */
export function tally(statuses: readonly string[]): Counts {
  const counts: Counts = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** A (member, contract) keyset cursor, as text a job run can keep. */
export function contractCursor(last: { memberId: string; contract: { id: string } }): string {
  return JSON.stringify([last.memberId, last.contract.id]);
}

export function parseContractCursor(cursor: string | null): { memberId: string; contractId: string } | undefined {
  if (!cursor) return undefined;
  const parsed: unknown = JSON.parse(cursor);
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new Error(`assertion failed: a contract cursor, got ${cursor}`);
  }
  return { memberId: parsed[0], contractId: parsed[1] };
}
