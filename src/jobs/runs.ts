import { randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db, type Queryable } from '../db/index.js';

/** This process, as the owner of the job runs it leases. */
export const processOwner = `${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * How long a run stays its owner's after the last renewal (decision 62). A live owner renews every
 * RENEW_EVERY_MS and at every chunk, so only a dead one (or one starved for longer than the lease)
 * lapses; another process then takes the run over after at most this long.
 */
export const LEASE_MS = 10_000;
/** Five renewals fit in one lease: a slow one or two do not lose it. */
export const RENEW_EVERY_MS = 2_000;

const leaseUntil = `clock_timestamp() + ${LEASE_MS} * interval '1 millisecond'`;
const key = 'program_key = $1 and job = $2 and period = $3';

// Claims a run: new, or one whose owner is gone. Gone means its lease lapsed; or this process owned
// it and holds it no more (a failed attempt); or, on PGlite ($7), any other owner, since one
// database is opened by one process only, so every other owner is a dead process. A finished run
// is never claimed. Leases use the database's clock_timestamp(), not the transaction's start.
const claim = statement('jobs.claim', `
  insert into job_runs (program_key, job, period, status, started_at, actor, owner, lease_until)
  values ($1, $2, $3, 'running', $4, $5, $6, ${leaseUntil})
  on conflict (program_key, job, period) do update set owner = excluded.owner, lease_until = excluded.lease_until
    where job_runs.status = 'running'
      and (job_runs.lease_until < clock_timestamp() or job_runs.owner = excluded.owner or $7::boolean)
  returning cursor, counts`);
const current = statement('jobs.current', `select status, counts from job_runs where ${key}`);
// The fence at the start of every chunk: renews the lease, and its row lock lasts until the chunk
// commits, so a takeover waits for the chunk and then finds the lease renewed.
const hold = statement('jobs.hold', `
  update job_runs set lease_until = ${leaseUntil}
  where ${key} and owner = $4 and status = 'running'
  returning cursor, counts`);
const advance = statement('jobs.advance', `
  update job_runs set cursor = $5, counts = $6, lease_until = ${leaseUntil}
  where ${key} and owner = $4 and status = 'running'
  returning period`);
const finish = statement('jobs.finish', `
  update job_runs set status = 'done', counts = $5, finished_at = $6, lease_until = clock_timestamp()
  where ${key} and owner = $4 and status = 'running'
  returning period`);
const lapsed = statement('jobs.lapsed', `
  select program_key, job, period, started_at, actor from job_runs
  where status = 'running' and (lease_until < clock_timestamp() or ($1::boolean and owner <> $2))
  order by started_at, program_key, job, period limit $3`);
const recent = statement('jobs.recent', `
  select job, period, status, counts, started_at, finished_at, actor, cursor from job_runs
  where program_key = $1 order by started_at desc, job limit $2`);

export interface RunKey {
  program: string;
  job: string;
  period: string;
}

export type Counts = Record<string, number>;

/** While this process runs a run: renewed by a timer on PostgreSQL; `release` when the run ends, however it ends. */
export interface Lease {
  release(): void;
}

export type Claim =
  | { claimed: true; cursor: string | null; counts: Counts; lease: Lease }
  | { claimed: false; status: 'done' | 'running'; counts: Counts };

/** Thrown at a chunk's start when another process took the run over: this one stops, having done nothing twice. */
export class LeaseLost extends Error {
  constructor(run: RunKey) {
    super(`job ${run.job} ${run.period} of ${run.program}: another process took the run over`);
  }
}

// The runs this process is running now. Checked and set before any await, so two callers in one
// process (the scheduler and a request) never both claim a run as its same owner.
const held = new Set<string>();
const heldKey = (run: RunKey) => `${run.program}\u0000${run.job}\u0000${run.period}`;

export async function claimRun(db: Db, run: RunKey, ctx: { now: Temporal.Instant; actor: string }): Promise<Claim> {
  const id = heldKey(run);
  if (held.has(id)) return { claimed: false, status: 'running', counts: await countsOf(db, run) };
  held.add(id);
  try {
    const values = [run.program, run.job, run.period, ctx.now.toString(), ctx.actor, processOwner, db.kind === 'pglite'];
    const [row] = await db.query<{ cursor: string | null; counts: Counts }>(claim, values);
    if (row) return { claimed: true, cursor: row.cursor, counts: row.counts, lease: renewWhileHeld(db, run, id) };
  } catch (error) {
    held.delete(id);
    throw error;
  }
  held.delete(id);
  const [state] = await db.query<{ status: 'done' | 'running'; counts: Counts }>(current, [run.program, run.job, run.period]);
  return { claimed: false, status: state?.status ?? 'running', counts: state?.counts ?? {} };
}

async function countsOf(db: Queryable, run: RunKey): Promise<Counts> {
  const [state] = await db.query<{ counts: Counts }>(current, [run.program, run.job, run.period]);
  return state?.counts ?? {};
}

/**
 * Renews the lease every RENEW_EVERY_MS until released. PGlite needs no timer: no other process
 * can open its database, and `held` keeps this one from claiming the run twice.
 */
function renewWhileHeld(db: Db, run: RunKey, id: string): Lease {
  let renewing = false;
  const timer =
    db.kind === 'postgres'
      ? setInterval(() => {
          if (renewing) return;
          renewing = true;
          // A failed renewal is not acted on here: the next chunk's fence finds whether the run is still ours.
          db.query(hold, [run.program, run.job, run.period, processOwner]).then(
            () => (renewing = false),
            () => (renewing = false),
          );
        }, RENEW_EVERY_MS)
      : undefined;
  timer?.unref();
  return {
    release() {
      clearInterval(timer);
      held.delete(id);
    },
  };
}

/**
 * The fence of a chunk, first in its transaction: renews the lease and locks the run's row until
 * the chunk commits; answers the committed cursor and counts. Throws LeaseLost if the run is no
 * longer this process's, so two processes never run one chunk.
 */
export async function holdRun(tx: Queryable, run: RunKey): Promise<{ cursor: string | null; counts: Counts }> {
  const [row] = await tx.query<{ cursor: string | null; counts: Counts }>(hold, [run.program, run.job, run.period, processOwner]);
  if (!row) throw new LeaseLost(run);
  return row;
}

/** Records progress in the same transaction as the chunk it describes, so a crash resumes exactly after the last committed chunk. */
export async function advanceRun(tx: Queryable, run: RunKey, cursor: string, counts: Counts): Promise<void> {
  const rows = await tx.query(advance, [run.program, run.job, run.period, processOwner, cursor, JSON.stringify(counts)]);
  if (rows.length === 0) throw new LeaseLost(run);
}

export async function finishRun(db: Queryable, run: RunKey, counts: Counts, now: Temporal.Instant): Promise<void> {
  const rows = await db.query(finish, [run.program, run.job, run.period, processOwner, JSON.stringify(counts), now.toString()]);
  if (rows.length === 0) throw new LeaseLost(run);
}

/** A run left `running` by an owner that is gone, with what a resume needs. */
export interface LapsedRun extends RunKey {
  /** The instant the run was for (its jobs' `now`), kept from its first claim. */
  startedAt: Temporal.Instant;
  actor: string;
}

/** Runs whose owner is gone, oldest first, except those this process is running now. */
export async function lapsedRuns(db: Db, limit: number): Promise<LapsedRun[]> {
  const rows = await db.query<{ program_key: string; job: string; period: string; started_at: Temporal.Instant; actor: string }>(lapsed, [
    db.kind === 'pglite',
    processOwner,
    limit,
  ]);
  return rows
    .map((r) => ({ program: r.program_key, job: r.job, period: r.period, startedAt: Temporal.Instant.from(r.started_at), actor: r.actor }))
    .filter((r) => !held.has(heldKey(r)));
}

export interface RunView {
  job: string;
  period: string;
  status: 'running' | 'done';
  counts: Counts;
  startedAt: Temporal.Instant;
  finishedAt: Temporal.Instant | null;
  actor: string;
  /** Where a run got to: the last item of its last committed chunk (null before the first, and for jobs of one chunk). */
  cursor: string | null;
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
    cursor: string | null;
  }>(recent, [program, limit]);
  return rows.map((r) => ({ job: r.job, period: r.period, status: r.status, counts: r.counts, startedAt: r.started_at, finishedAt: r.finished_at, actor: r.actor, cursor: r.cursor }));
}
