import { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { refusal } from '../errors.js';
import type { Program } from '../programs/index.js';
import type { JobContext, JobOutcome } from './chunked.js';
import { runBalanceEmail, runExpiryWarning } from './balance-email.js';
import { runCampaignStatuses } from './campaign-statuses.js';
import { runExpiry } from './expire.js';
import { runForfeit } from './forfeit.js';
import { runMonthlyGrant } from './monthly-grant.js';
import { runRetention } from './retention.js';
import { runSeal } from './seal.js';
import { runStatus } from './status.js';
import { runSweepstakesDaily, runSweepstakesInvitations } from './sweepstakes.js';

export const jobNames = ['status', 'monthly-grant', 'forfeit', 'expire', 'balance-email', 'expiry-warning', 'sweepstakes', 'sweepstakes-invitations', 'campaign-statuses', 'retention', 'seal'] as const;
export type JobName = (typeof jobNames)[number];

/** Jobs over every program's data at once, run as of an instant: no --program, and one run per instant whoever schedules it. */
const programIndependentRuns = { expire: runExpiry, retention: runRetention, seal: runSeal } as const;
export const programIndependentJobs: ReadonlySet<JobName> = new Set(Object.keys(programIndependentRuns) as JobName[]);

function isProgramIndependent(job: JobName): job is keyof typeof programIndependentRuns {
  return job in programIndependentRuns;
}

/** Jobs as of an instant that cover everything due before it: a clock jump runs only their latest due occurrence. */
export const catchUpJobs: ReadonlySet<JobName> = new Set(['expire', 'forfeit', 'retention', 'seal']);

/** Jobs for one program and a billing month ('YYYY-MM'); the others run as of an instant. */
const monthlyRuns = {
  status: runStatus,
  'monthly-grant': runMonthlyGrant,
  'balance-email': runBalanceEmail,
  'expiry-warning': runExpiryWarning,
  'sweepstakes-invitations': runSweepstakesInvitations,
} as const;

export function isMonthlyJob(job: JobName): job is keyof typeof monthlyRuns {
  return job in monthlyRuns;
}

export function isJobName(name: string): name is JobName {
  return (jobNames as readonly string[]).includes(name);
}

export interface JobRequest {
  job: JobName;
  /** Every job but expire, which covers all programs' lots at once. */
  program?: Program | undefined;
  /** 'YYYY-MM', for monthly jobs (status, monthly-grant, balance-email). */
  month?: string | undefined;
  /** For instant jobs (expire, forfeit). */
  asOf?: Temporal.Instant | undefined;
}

/** Runs one job for one period; a finished period is not run again. */
export async function runJob(db: Db, request: JobRequest, ctx: JobContext): Promise<JobOutcome> {
  const { job, program } = request;
  if (isProgramIndependent(job)) {
    if (!request.asOf) throw refusal('invalid_request', `${job} runs as of an instant: give asOf`);
    return programIndependentRuns[job](db, request.asOf, ctx);
  }
  if (!program) throw refusal('unknown_program', `${job} runs for one program: name it`);
  if (isMonthlyJob(job)) {
    if (!request.month) throw refusal('invalid_request', `${job} runs for a billing month: give month as YYYY-MM`);
    return monthlyRuns[job](db, program, request.month, ctx);
  }
  if (!request.asOf) throw refusal('invalid_request', `${job} runs as of an instant: give asOf`);
  if (job === 'campaign-statuses') return runCampaignStatuses(db, program, request.asOf, ctx);
  return (job === 'sweepstakes' ? runSweepstakesDaily : runForfeit)(db, program, request.asOf, ctx);
}

export interface Schedule {
  job: JobName;
  /** Cron pattern, evaluated in the program's time zone. */
  cron: string;
  /** What a run due at `at` is for. */
  request(at: Temporal.Instant): Omit<JobRequest, 'program'>;
}

const monthOf = (program: Program) => (at: Temporal.Instant) =>
  at.toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().toString();

/**
 * When each job falls due for a program, in its time zone: status and the monthly grant at the
 * start of each month (status first, so the month's grant and entries see the new status), the
 * forfeit catch-up and expiry every night, the balance email (FL-7) on the 1st at its hour, the
 * sweepstakes' day (SU-7, SU-8) every night and their invitations (SU-5) on the 1st. Only the
 * jobs the program's configuration uses.
 */
export function schedulesFor(program: Program): Schedule[] {
  const month = monthOf(program);
  const schedules: Schedule[] = [];
  if (program.tiers) schedules.push({ job: 'status', cron: '0 0 1 * *', request: (at) => ({ job: 'status', month: month(at) }) });
  if (program.earning?.monthlyGrants?.length) {
    schedules.push({ job: 'monthly-grant', cron: '0 0 1 * *', request: (at) => ({ job: 'monthly-grant', month: month(at) }) });
  }
  const balance = program.notifications?.monthlyBalance;
  if (balance) schedules.push({ job: 'balance-email', cron: `0 ${balance.hour} 1 * *`, request: (at) => ({ job: 'balance-email', month: month(at) }) });
  const warning = program.notifications?.expiringSoon;
  if (warning) schedules.push({ job: 'expiry-warning', cron: `0 ${warning.hour} 1 * *`, request: (at) => ({ job: 'expiry-warning', month: month(at) }) });
  if (program.sweepstakes?.length) {
    // After expiry, so a reward never lands in a lot the same night's expiry would have taken.
    schedules.push({ job: 'sweepstakes', cron: '5 0 * * *', request: (asOf) => ({ job: 'sweepstakes', asOf }) });
    const invitations = program.sweepstakes.map((s) => s.invitations?.hour).filter((hour) => hour !== undefined);
    const hour = invitations.length > 0 ? Math.min(...invitations) : undefined;
    if (hour !== undefined) schedules.push({ job: 'sweepstakes-invitations', cron: `0 ${hour} 1 * *`, request: (at) => ({ job: 'sweepstakes-invitations', month: month(at) }) });
  }
  // GG-7 ①, GG-10: after midnight, when benefits complete and pre-registrations lapse (decision 42).
  if (program.campaigns?.length) schedules.push({ job: 'campaign-statuses', cron: '10 0 * * *', request: (asOf) => ({ job: 'campaign-statuses', asOf }) });
  if (program.earning?.forfeitOn?.length) schedules.push({ job: 'forfeit', cron: '30 0 * * *', request: (asOf) => ({ job: 'forfeit', asOf }) });
  schedules.push({ job: 'expire', cron: '0 0 * * *', request: (asOf) => ({ job: 'expire', asOf }) });
  // Decision 46: every night, after the night's work, whatever the program uses; program-independent like expire.
  schedules.push({ job: 'retention', cron: '30 3 * * *', request: (asOf) => ({ job: 'retention', asOf }) });
  // Decision 74: hourly, so what was committed more than an hour ago is under the hash chains.
  schedules.push({ job: 'seal', cron: '45 * * * *', request: (asOf) => ({ job: 'seal', asOf }) });
  return schedules;
}
