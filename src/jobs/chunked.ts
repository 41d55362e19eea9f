import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Temporal } from 'temporal-polyfill';
import { withJobScope } from '../audit/index.js';
import type { RetentionPolicy } from '../config.js';
import type { Db, Queryable } from '../db/index.js';
import { advanceRun, claimRun, finishRun, holdRun, LeaseLost, type Counts, type RunKey } from './runs.js';

export interface JobOutcome {
  program: string;
  job: string;
  period: string;
  /** done: ran to the end now; already_done: a finished period (a re-run is a no-op); running_elsewhere: another process holds it. */
  status: 'done' | 'already_done' | 'running_elsewhere';
  counts: Counts;
}

/**
 * Rows per chunk for a job that pages `rows` at a time on PostgreSQL. On PGlite a chunk's
 * transaction holds the only connection, so every request waits for the whole chunk: a tenth as
 * many keeps that wait near a third of a second (bench W9) for little throughput.
 */
export function chunkRows(db: Db, rows: number): number {
  return db.kind === 'pglite' ? Math.max(1, Math.floor(rows / 10)) : rows;
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
 * Each chunk starts with the run's fence (`holdRun`), so if another process took the run over
 * (this one was presumed dead), this one stops as `running_elsewhere` having done nothing twice.
 * `next` processes the chunk after `cursor` and returns undefined when nothing is left.
 */
export async function runChunked(
  db: Db,
  key: RunKey,
  ctx: JobContext,
  next: (tx: Queryable, cursor: string | null) => Promise<Chunk | undefined>,
): Promise<JobOutcome> {
  // J1: every transaction of the run writes its audit row, naming the job, its actor and the run.
  return withJobScope({ actor: ctx.actor, job: key.job, run: `${key.program}/${key.job}/${key.period}`, at: ctx.now }, () => runChunks(db, key, ctx, next));
}

async function runChunks(
  db: Db,
  key: RunKey,
  ctx: JobContext,
  next: (tx: Queryable, cursor: string | null) => Promise<Chunk | undefined>,
): Promise<JobOutcome> {
  const claim = await claimRun(db, key, ctx);
  if (!claim.claimed) {
    return { ...key, status: claim.status === 'done' ? 'already_done' : 'running_elsewhere', counts: claim.counts };
  }
  let counts = claim.counts;
  try {
    for (;;) {
      const chunk = await db.transaction(async (tx) => {
        const run = await holdRun(tx, key);
        const result = await next(tx, run.cursor);
        if (!result) return { done: true as const, counts: add(run.counts, zeros(counts)) };
        const sum = add(run.counts, result.counts);
        await advanceRun(tx, key, result.cursor, sum);
        return { done: false as const, counts: sum };
      });
      counts = chunk.counts;
      if (chunk.done) break;
      ctx.onProgress?.(counts);
      // PGlite answers without I/O, so a run's promise chain never returned to the event loop: a
      // server on PGlite answered no request until the whole grant was done (bench W9). One turn
      // of the loop between chunks lets waiting requests in; on PostgreSQL it costs nothing.
      await nextTurn();
    }
    await finishRun(db, key, counts, ctx.now);
  } catch (error) {
    if (error instanceof LeaseLost) return { ...key, status: 'running_elsewhere', counts };
    throw error;
  } finally {
    claim.lease.release();
  }
  return { ...key, status: 'done', counts };
}

/** `so far` comes back from jsonb, which orders keys its own way; the job's chunk order is kept. */
function add(soFar: Counts, chunk: Counts): Counts {
  const sum: Counts = {};
  for (const [k, v] of Object.entries(chunk)) sum[k] = (soFar[k] ?? 0) + v;
  for (const [k, v] of Object.entries(soFar)) sum[k] ??= v;
  return sum;
}

/** The same keys at 0: adding them puts the stored counts back in the order the job counts in. */
function zeros(counts: Counts): Counts {
  return Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));
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
