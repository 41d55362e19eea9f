import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Temporal } from 'temporal-polyfill';
import { auditWrites, withAuditScope } from '../src/audit/index.js';
import { systemClock } from '../src/clock.js';
import type { Db } from '../src/db/index.js';
import { assembleApp } from '../src/http/assemble.js';
import { loadPrograms, type Program } from '../src/programs/index.js';
import type { BenchContext } from './context.js';
import { runConcurrent, timed, type RunStats } from './measure.js';
import { daysAfter, memberId, seedEnrolledMembers } from './seed.js';

const PROGRAMS_DIR = fileURLToPath(new URL('../examples/programs', import.meta.url));
/** SR-7: partner points are one credit per event, the closest event to W1's earn. */
export const HTTP_PROGRAM = 'sony-rewards';
const GROUP = 'http';

/** The real app, listening on 127.0.0.1, and members of HTTP_PROGRAM it can serve. */
export interface HttpApp {
  baseUrl: string;
  headers: Record<string, string>;
  program: Program;
  /** Member i (1…httpMembers): its id and external id. */
  member(i: number): { id: string; externalId: string };
  /**
   * The database the app's handlers get (J1's audit wrapper), and the audit scope its preHandler
   * opens, so an in-process twin writes exactly what the request does (a write's audit row included).
   */
  inProcess<T>(action: string, targets: readonly string[], fn: (db: Db) => Promise<T>): Promise<T>;
  seedMs: number;
  close(): Promise<void>;
}

/**
 * Assembles the app as `pointbook serve` does (assembleApp with the example programs, the system
 * clock, an operator token; scheduler and mailer not started, no rate limits) on the run's database,
 * seeds `httpMembers` members of sony-rewards (member rows, open memberships, 1–3 buckets each),
 * and listens on an ephemeral port of 127.0.0.1. Requests go through Node's fetch (undici,
 * keep-alive): a real socket, in the same process as the server, so the client's CPU counts too.
 */
export async function startHttpApp(ctx: BenchContext): Promise<HttpApp> {
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const programs = loadPrograms(PROGRAMS_DIR);
  const program = programs.find((p) => p.key === HTTP_PROGRAM);
  if (!program) throw new Error(`examples/programs has no ${HTTP_PROGRAM}`);
  const { app } = await assembleApp({ db: ctx.db, programs, clock: systemClock, adminToken: token });
  const externalPrefix = `bench-${ctx.runId}-`;
  const seeded = await timed(() =>
    seedEnrolledMembers(ctx.db, {
      program: HTTP_PROGRAM,
      group: GROUP,
      count: ctx.sizes.httpMembers,
      externalPrefix,
      since: daysAfter(Temporal.Now.instant(), -30),
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the app is not listening on a TCP port');
  const audited = auditWrites(ctx.db);
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    headers: { authorization: `Bearer ${token}` },
    program,
    member: (i) => ({ id: memberId(GROUP, i), externalId: `${externalPrefix}${i}` }),
    inProcess: (action, targets, fn) =>
      withAuditScope(
        { actor: 'operator:admin-token', action, at: systemClock.now(), targets, requestId: null, ip: '127.0.0.1', jobRun: null },
        () => fn(audited),
      ),
    seedMs: Math.round(seeded.elapsedMs),
    close: () => app.close(),
  };
}

/** The two sides of an HTTP workload, each summed over its rounds. */
export interface Compared {
  inProcess: RunStats;
  http: RunStats;
}

/**
 * Runs `total` calls in-process and `total` over HTTP from `concurrency` callers each, in four
 * rounds of half of that, in-process / HTTP / HTTP / in-process, so a machine that speeds up or
 * slows down during the run (other work, a checkpoint) weighs on both sides alike. Both are warmed
 * first.
 */
export async function compareInRounds(
  concurrency: number,
  total: number,
  inProcess: (tag: string) => (i: number) => Promise<string>,
  http: (tag: string) => (i: number) => Promise<string>,
): Promise<Compared> {
  await runConcurrent(concurrency, concurrency * 4, inProcess('warm'));
  await runConcurrent(concurrency, concurrency * 4, http('warm'));
  const half = callsPerSide(total) / 2;
  const sides = { inProcess: [] as RunStats[], http: [] as RunStats[] };
  for (const [round, side] of (['inProcess', 'http', 'http', 'inProcess'] as const).entries()) {
    const call = side === 'inProcess' ? inProcess(`r${round}`) : http(`r${round}`);
    sides[side].push(await runConcurrent(concurrency, half, call));
  }
  return { inProcess: combine(sides.inProcess), http: combine(sides.http) };
}

function combine(runs: readonly RunStats[]): RunStats {
  const outcomes = new Map<string, number>();
  for (const run of runs) for (const [label, n] of run.outcomes) outcomes.set(label, (outcomes.get(label) ?? 0) + n);
  const latencies = new Float64Array(runs.reduce((sum, r) => sum + r.latenciesMs.length, 0));
  let at = 0;
  for (const run of runs) {
    latencies.set(run.latenciesMs, at);
    at += run.latenciesMs.length;
  }
  return {
    elapsedMs: runs.reduce((sum, r) => sum + r.elapsedMs, 0),
    latenciesMs: latencies,
    outcomes,
    processCpuMs: runs.reduce((sum, r) => sum + r.processCpuMs, 0),
  };
}

/** Calls timed per side: two rounds of half of `total`, rounded up. */
export function callsPerSide(total: number): number {
  return 2 * Math.max(1, Math.ceil(total / 2));
}
