import { Cron } from 'croner';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock.js';
import type { RetentionPolicy } from '../config.js';
import type { Db } from '../db/index.js';
import type { Program } from '../programs/index.js';
import type { JobOutcome } from './chunked.js';
import { runJob, schedulesFor, type Schedule } from './registry.js';

export interface Scheduler {
  /** Runs, in time order, every job that fell due in (from, to], each as of its due instant. */
  runDue(from: Temporal.Instant, to: Temporal.Instant): Promise<JobOutcome[]>;
  /** Follows the clock: wakes at the next due instant (at least once a minute). */
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

const MAX_SLEEP_MS = 60_000;
/** A bound on the catch-up of one clock jump (e.g. a test clock moved by years): about 30 years of nightly jobs. */
const MAX_DUE_RUNS = 50_000;

/**
 * The scheduler (croner, in each program's time zone). The same `runDue` serves the wall clock and
 * the test clock: moving the test clock runs what fell due in between, as a Stripe test clock does.
 * Jobs are idempotent per period and leased, so several servers may run schedulers on one database.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let lastTick = deps.clock.now();

  const runDue = async (from: Temporal.Instant, to: Temporal.Instant) => {
    const due = dueBetween(deps.programs.list(), from, to);
    const outcomes: JobOutcome[] = [];
    for (const { at, program, schedule } of due) {
      const outcome = await runJob(deps.db, { ...schedule.request(at), program }, { now: at, actor: `job:${schedule.job}`, publicUrl: deps.publicUrl, retention: deps.retention });
      if (outcome.status === 'done') deps.log.info({ ...outcome, at: at.toString() }, 'job ran');
      outcomes.push(outcome);
    }
    return outcomes;
  };

  const tick = async () => {
    const now = deps.clock.now();
    try {
      await runDue(lastTick, now);
      lastTick = now;
    } catch (error) {
      deps.log.error({ err: error }, 'scheduled job failed; retrying at the next tick');
    }
    const next = nextDue(deps.programs.list(), now);
    const sleep = next ? Math.min(MAX_SLEEP_MS, Math.max(0, Number(next.epochMilliseconds - now.epochMilliseconds))) : MAX_SLEEP_MS;
    timer = setTimeout(() => (running = tick()), sleep);
  };

  return {
    runDue,
    start() {
      if (!timer) running = tick();
    },
    async stop() {
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
      for (let at = cron.nextRun(new Date(from.epochMilliseconds)); at && at.getTime() <= to.epochMilliseconds; at = cron.nextRun(at)) {
        due.push({ at: Temporal.Instant.fromEpochMilliseconds(at.getTime()), program, schedule, order });
        if (due.length > MAX_DUE_RUNS) throw new Error(`more than ${MAX_DUE_RUNS} job runs fell due between ${from} and ${to}`);
      }
    });
  }
  return latestOfCatchUps(due).sort(
    (a, b) => Temporal.Instant.compare(a.at, b.at) || a.order - b.order || (a.program.key < b.program.key ? -1 : 1),
  );
}

/**
 * Expiry, the forfeit catch-up and retention as of an instant cover everything due before it, so a clock jump
 * runs only their latest due occurrence; monthly jobs run for every month they passed.
 */
function latestOfCatchUps(due: Due[]): Due[] {
  const latest = new Map<string, Due>();
  const kept: Due[] = [];
  for (const d of due) {
    if (d.schedule.job !== 'expire' && d.schedule.job !== 'forfeit' && d.schedule.job !== 'retention') kept.push(d);
    else {
      const key = `${d.schedule.job}\u0000${d.program.key}`;
      const seen = latest.get(key);
      if (!seen || Temporal.Instant.compare(d.at, seen.at) > 0) latest.set(key, d);
    }
  }
  return [...kept, ...latest.values()];
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
