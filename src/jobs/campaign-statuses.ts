import type { Temporal } from 'temporal-polyfill';
import { recordTimedStatuses, timedStatusesDue } from '../campaigns/index.js';
import type { Db } from '../db/index.js';
import type { Program } from '../programs/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';

/**
 * GG-7 ①, GG-10: records, once per local day, the campaign statuses time has given (benefits past
 * their last month `completed`, pre-registrations past the period `lapsed`) and announces each
 * with `application.status_changed` (decision 42). Pages in (member, application) order, each in
 * its own transaction with the run's cursor; a rerun of the day is a no-op (`already_done`, or
 * `done` with nothing when nothing was due), and a later day finds only what is new, because a
 * recorded status is no longer open.
 */
export async function runCampaignStatuses(db: Db, program: Program, asOf: Temporal.Instant, ctx: JobContext): Promise<JobOutcome> {
  const day = asOf.toZonedDateTimeISO(program.timeZone).toPlainDate().toString();
  // Most nights nothing is due; then no run is claimed or recorded (a later look is as cheap).
  if (!(await timedStatusesDue(db, program, asOf))) return { program: program.key, job: 'campaign-statuses', period: day, status: 'done', counts: {} };
  return runChunked(db, { program: program.key, job: 'campaign-statuses', period: day }, ctx, (tx, cursor) =>
    recordTimedStatuses(tx, program, asOf, cursor, { now: ctx.now, actor: ctx.actor }),
  );
}
