import { Temporal } from 'temporal-polyfill';
import type { Program } from '../programs/index.js';
import { ALL_PROGRAMS } from './expire.js';
import { catchUpJobs, isJobName, isMonthlyJob, programIndependentJobs, type JobRequest } from './registry.js';
import type { LapsedRun } from './runs.js';

/**
 * What to run to resume a run an owner left `running` (C3), from its key alone: a month for the
 * monthly jobs, the instant its period names for expiry, forfeit, retention and the seal, and for the daily
 * jobs (period = the local day) the instant the run was for when it falls on that day, else the
 * day's start. Undefined for a job or program this server does not know: it is left to one that does.
 */
export function resumeRequest(run: LapsedRun, programs: readonly Program[]): JobRequest | undefined {
  if (!isJobName(run.job)) return undefined;
  if (run.program === ALL_PROGRAMS) {
    return programIndependentJobs.has(run.job) ? { job: run.job, asOf: Temporal.Instant.from(run.period) } : undefined;
  }
  const program = programs.find((p) => p.key === run.program);
  if (!program) return undefined;
  if (isMonthlyJob(run.job)) return { job: run.job, program, month: run.period };
  if (catchUpJobs.has(run.job)) return { job: run.job, program, asOf: Temporal.Instant.from(run.period) };
  // The rest are daily: their period is the local day.
  const day = Temporal.PlainDate.from(run.period);
  const sameDay = Temporal.PlainDate.compare(run.startedAt.toZonedDateTimeISO(program.timeZone).toPlainDate(), day) === 0;
  return { job: run.job, program, asOf: sameDay ? run.startedAt : day.toZonedDateTime(program.timeZone).toInstant() };
}
