import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';

/** This process, as the owner of the job runs it leases. */
export const processOwner = `${process.pid}-${randomBytes(4).toString('hex')}`;

const LEASE = '2 minutes';

// Claims a run: new, or one whose owner stopped renewing its lease (crashed). A finished run, or
// one another process is running, is not claimed. The lease uses the database's wall clock.
const claim = statement('jobs.claim', `
  insert into job_runs (program_key, job, period, status, started_at, actor, owner, lease_until)
  values ($1, $2, $3, 'running', $4, $5, $6, now() + interval '${LEASE}')
  on conflict (program_key, job, period) do update set owner = excluded.owner, lease_until = excluded.lease_until
    where job_runs.status = 'running' and job_runs.lease_until < now()
  returning cursor, counts`);
const current = statement('jobs.current', `select status, counts, owner from job_runs where program_key = $1 and job = $2 and period = $3`);
const advance = statement('jobs.advance', `
  update job_runs set cursor = $5, counts = $6, lease_until = now() + interval '${LEASE}'
  where program_key = $1 and job = $2 and period = $3 and owner = $4 and status = 'running'
  returning period`);
const finish = statement('jobs.finish', `
  update job_runs set status = 'done', counts = $5, finished_at = $6, lease_until = now()
  where program_key = $1 and job = $2 and period = $3 and owner = $4 and status = 'running'
  returning period`);
const recent = statement('jobs.recent', `
  select job, period, status, counts, started_at, finished_at, actor, cursor from job_runs
  where program_key = $1 order by started_at desc, job limit $2`);

export interface RunKey {
  program: string;
  job: string;
  period: string;
}

export type Counts = Record<string, number>;

export type Claim =
  | { claimed: true; cursor: string | null; counts: Counts }
  | { claimed: false; status: 'done' | 'running'; counts: Counts };

export async function claimRun(db: Queryable, key: RunKey, ctx: { now: Temporal.Instant; actor: string }): Promise<Claim> {
  const [row] = await db.query<{ cursor: string | null; counts: Counts }>(claim, [
    key.program,
    key.job,
    key.period,
    ctx.now.toString(),
    ctx.actor,
    processOwner,
  ]);
  if (row) return { claimed: true, cursor: row.cursor, counts: row.counts };
  const [state] = await db.query<{ status: 'done' | 'running'; counts: Counts }>(current, [key.program, key.job, key.period]);
  return { claimed: false, status: state?.status ?? 'running', counts: state?.counts ?? {} };
}

/**
 * Records progress in the same transaction as the chunk it describes, so a crash resumes exactly
 * after the last committed chunk. Fails if this process lost the lease (another took over).
 */
export async function advanceRun(tx: Queryable, key: RunKey, cursor: string, counts: Counts): Promise<void> {
  const rows = await tx.query(advance, [key.program, key.job, key.period, processOwner, cursor, JSON.stringify(counts)]);
  if (rows.length === 0) throw new Error(`job ${key.job} ${key.period} of ${key.program}: lease lost to another process`);
}

export async function finishRun(db: Queryable, key: RunKey, counts: Counts, now: Temporal.Instant): Promise<void> {
  const rows = await db.query(finish, [key.program, key.job, key.period, processOwner, JSON.stringify(counts), now.toString()]);
  if (rows.length === 0) throw new Error(`job ${key.job} ${key.period} of ${key.program}: lease lost to another process`);
}

export interface RunView {
  job: string;
  period: string;
  status: 'running' | 'done';
  counts: Counts;
  startedAt: Temporal.Instant;
  finishedAt: Temporal.Instant | null;
  actor: string;
}

export async function recentRuns(db: Queryable, program: string, limit: number): Promise<RunView[]> {
  const rows = await db.query<{
    job: string;
    period: string;
    status: 'running' | 'done';
    counts: Counts;
    started_at: Temporal.Instant;
    finished_at: Temporal.Instant | null;
    actor: string;
  }>(recent, [program, limit]);
  return rows.map((r) => ({ job: r.job, period: r.period, status: r.status, counts: r.counts, startedAt: r.started_at, finishedAt: r.finished_at, actor: r.actor }));
}
