import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock.js';
import type { RetentionPolicy } from '../config.js';
import type { Db } from '../db/index.js';
import type { Program } from '../programs/index.js';
import type { JobContext, JobOutcome } from './chunked.js';
import { catchUpJobs, runJob, schedulesFor, type JobRequest, type Schedule } from './registry.js';
import { resumeRequest } from './resume.js';
import { lapsedRuns, LEASE_MS } from './runs.js';

export interface Scheduler {
  /** Runs, in time order, every job that fell due in (from, to], each as of its due instant. */
  runDue(from: Temporal.Instant, to: Temporal.Instant): Promise<JobOutcome[]>;
  /**
   * Resumes, from their cursors, the runs left `running` by an owner that is gone (a crash, a
   * kill): C3, decision 63. Each resume claims the run, so two schedulers never run it both.
   */
  resumeLapsed(): Promise<JobOutcome[]>;
  /** Follows the clock: resumes lapsed runs, then wakes at the next due instant (at least every RESUME_EVERY_MS). */
  start(): void;
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  db: Db;
  clock: Clock;
  programs: { list(): Program[] };
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** For links in emails the jobs send. */
  publicUrl?: string | undefined;
  /** The deployment's retention (POINTBOOK_RETENTION_*), for the retention job. */
  retention?: RetentionPolicy | undefined;
}

interface Due {
  at: Temporal.Instant;
  program: Program;
  schedule: Schedule;
  order: number;
}

/** How often a live scheduler looks for runs a dead owner left: half a lease, so one is resumed within about 1.5 leases. */
export const RESUME_EVERY_MS = LEASE_MS / 2;
/** Runs resumed per tick, oldest first; the rest wait for the next tick. */
const RESUME_BATCH = 20;
/** How often a due run another server holds is asked after again. */
const WAIT_ELSEWHERE_MS = 250;
/** A run whose resume failed waits this long, doubling per failure, up to MAX_BACKOFF_MS: a bug is not retried every tick. */
const FIRST_BACKOFF_MS = RESUME_EVERY_MS;
const MAX_BACKOFF_MS = 600_000;
/** A bound on the catch-up of one clock jump (e.g. a test clock moved by years): about 30 years of nightly jobs. */
const MAX_DUE_RUNS = 50_000;

/**
 * The scheduler (croner, in each program's time zone). The same `runDue` serves the wall clock and
 * the test clock: moving the test clock runs what fell due in between, as a Stripe test clock does.
 * Jobs are idempotent per period and leased, so several servers may run schedulers on one database:
 * a period runs once, and a run a dead server left is resumed by whichever scheduler looks next.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let lastTick = deps.clock.now();
  let stopping = false;
  // Per run key: resumes that failed, and when the next may be tried (this process's wall clock).
  const failures = new Map<string, { count: number; notBefore: number }>();

  /**
   * Runs a due job; if another server is running that period, waits for it to finish (or to die, and
   * then takes it over), so the due runs keep their time order across servers: a month's grant
   * never starts before its status run has finished elsewhere.
   */
  const runInTurn = async (request: JobRequest, ctx: JobContext): Promise<JobOutcome> => {
    for (;;) {
      const outcome = await runJob(deps.db, request, ctx);
      if (outcome.status !== 'running_elsewhere' || stopping) return outcome;
      await sleep(WAIT_ELSEWHERE_MS);
    }
  };

  const runDue = async (from: Temporal.Instant, to: Temporal.Instant) => {
    const due = dueBetween(deps.programs.list(), from, to);
    const outcomes: JobOutcome[] = [];
    for (const { at, program, schedule } of due) {
      const outcome = await runInTurn({ ...schedule.request(at), program }, { now: at, actor: `job:${schedule.job}`, publicUrl: deps.publicUrl, retention: deps.retention });
      if (outcome.status === 'done') deps.log.info({ ...outcome, at: at.toString() }, 'job ran');
      outcomes.push(outcome);
    }
    return outcomes;
  };

  const resumeLapsed = async () => {
    const outcomes: JobOutcome[] = [];
    for (const run of await lapsedRuns(deps.db, RESUME_BATCH)) {
      const request = resumeRequest(run, deps.programs.list());
      const id = `${run.program}/${run.job}/${run.period}`;
      const failed = failures.get(id);
      if (!request || (failed && failed.notBefore > performance.now())) continue;
      try {
        const outcome = await runJob(deps.db, request, { now: run.startedAt, actor: run.actor, publicUrl: deps.publicUrl, retention: deps.retention });
        failures.delete(id);
        if (outcome.status === 'done') deps.log.info({ ...outcome, startedAt: run.startedAt.toString() }, 'job resumed');
        outcomes.push(outcome);
      } catch (error) {
        const count = (failed?.count ?? 0) + 1;
        failures.set(id, { count, notBefore: performance.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (count - 1)) });
        deps.log.error({ err: error, program: run.program, job: run.job, period: run.period, failures: count }, 'resuming a job failed; retrying later');
      }
    }
    return outcomes;
  };

  const tick = async () => {
    const now = deps.clock.now();
    try {
      // Before the due runs: a month's status resumed before the same month's grant runs (decision 18's order).
      await resumeLapsed();
      await runDue(lastTick, now);
      lastTick = now;
    } catch (error) {
      deps.log.error({ err: error }, 'scheduled job failed; retrying at the next tick');
    }
    if (stopping) return;
    const next = nextDue(deps.programs.list(), now);
    const wait = next ? Math.min(RESUME_EVERY_MS, Math.max(0, Number(next.epochMilliseconds - now.epochMilliseconds))) : RESUME_EVERY_MS;
    timer = setTimeout(() => (running = tick()), wait);
  };

  return {
    runDue,
    resumeLapsed,
    start() {
      stopping = false;
      if (!timer) running = tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

function dueBetween(programs: readonly Program[], from: Temporal.Instant, to: Temporal.Instant): Due[] {
  const due: Due[] = [];
  for (const program of programs) {
    schedulesFor(program).forEach((schedule, order) => {
      const cron = new Cron(schedule.cron, { timezone: program.timeZone, paused: true });
      if (catchUpJobs.has(schedule.job)) {
        // Expiry, the forfeit catch-up, retention and the seal as of an instant cover everything due
        // before it: a clock jump runs only their latest occurrence (an hourly seal over a clock moved
        // by years is one run, not thousands). Monthly jobs run for every month passed.
        const latest = cron.previousRuns(2, new Date(to.epochMilliseconds + 1)).find((at) => at.getTime() <= to.epochMilliseconds);
        if (latest && latest.getTime() > from.epochMilliseconds) due.push({ at: Temporal.Instant.fromEpochMilliseconds(latest.getTime()), program, schedule, order });
        return;
      }
      for (let at = cron.nextRun(new Date(from.epochMilliseconds)); at && at.getTime() <= to.epochMilliseconds; at = cron.nextRun(at)) {
        due.push({ at: Temporal.Instant.fromEpochMilliseconds(at.getTime()), program, schedule, order });
        if (due.length > MAX_DUE_RUNS) throw new Error(`more than ${MAX_DUE_RUNS} job runs fell due between ${from} and ${to}`);
      }
    });
  }
  return due.sort(
    (a, b) => Temporal.Instant.compare(a.at, b.at) || a.order - b.order || (a.program.key < b.program.key ? -1 : 1),
  );
}

function nextDue(programs: readonly Program[], now: Temporal.Instant): Temporal.Instant | undefined {
  let next: number | undefined;
  for (const program of programs) {
    for (const schedule of schedulesFor(program)) {
      const at = new Cron(schedule.cron, { timezone: program.timeZone, paused: true }).nextRun(new Date(now.epochMilliseconds));
      if (at && (next === undefined || at.getTime() < next)) next = at.getTime();
    }
  }
  return next === undefined ? undefined : Temporal.Instant.fromEpochMilliseconds(next);
}
