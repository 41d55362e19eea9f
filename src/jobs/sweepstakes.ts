import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import type { Program } from '../programs/index.js';
import { inviteChunk, runSweepstakesDay } from '../sweepstakes/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';
import { claimRun, finishRun, LeaseLost } from './runs.js';

/** The sweepstakes' nightly work (periods opened, SU-7 rewards, SU-8 awards), once per local day. */
export async function runSweepstakesDaily(db: Db, program: Program, asOf: Temporal.Instant, ctx: JobContext): Promise<JobOutcome> {
  const key = { program: program.key, job: 'sweepstakes', period: asOf.toZonedDateTimeISO(program.timeZone).toPlainDate().toString() };
  const claim = await claimRun(db, key, ctx);
  if (!claim.claimed) return { ...key, status: claim.status === 'done' ? 'already_done' : 'running_elsewhere', counts: claim.counts };
  try {
    // Every step is idempotent on its own (ledger keys, marked rows), so a resumed day simply runs again.
    const counts = await runSweepstakesDay(db, program, { now: asOf, actor: ctx.actor });
    await finishRun(db, key, counts, ctx.now);
    return { ...key, status: 'done', counts };
  } catch (error) {
    if (error instanceof LeaseLost) return { ...key, status: 'running_elsewhere', counts: claim.counts };
    throw error;
  } finally {
    claim.lease.release();
  }
}

/** SU-5: the status-up invitations of a month, in member order, resumable after a crash. */
export async function runSweepstakesInvitations(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const publicUrl = ctx.publicUrl ?? 'http://localhost:3000';
  return runChunked(db, { program: program.key, job: 'sweepstakes-invitations', period: month }, ctx, (tx, cursor) =>
    inviteChunk(tx, program, month, cursor, { now: ctx.now, actor: ctx.actor, publicUrl }),
  );
}
