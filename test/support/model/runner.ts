import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { Db, Queryable } from '../../../src/db/index.js';
import { enrolMember, getMember } from '../../../src/members/index.js';
import type { Program } from '../../../src/programs/index.js';
import { permutations, stateDiff } from './check.js';
import { clockSpec, dbStepSpec, describeSpec, resolve, type StepSpec } from './commands.js';
import { applyStep, emptyMember, type MemberState, type Outcome, type Step } from './member-model.js';
import { MODEL_PROGRAM } from './program.js';
import { execute, readDebitAllocations, readLedger, readOrderCredits, type MemberSystem } from './system.js';

/**
 * D1: fast-check command sequences, one per member, run against the real system and the model
 * side by side. Members run concurrently (up to `concurrency` at once, each on its own
 * connection); one member's commands run in order and are compared exactly after each command
 * (outcome, balances, the balance API, journal rows, every lot). A race command fires 2–3 steps
 * of one member at once: the database must end as some serial order of them left it (every
 * order is tried on the model), with each step's outcome as in that order. Under C2 faults a
 * command whose connection was lost is unknown until retried with the same keys on `cleanDb`.
 */
export interface ModelRunOptions {
  db: Db;
  /** Where unknown outcomes are resolved (the faults stopped for them); defaults to `db`. */
  cleanDb?: Db;
  /** Lost connections are unknown outcomes to resolve, not failures (C2). */
  faults?: boolean;
  program: Program;
  members: number;
  concurrency: number;
  maxCommands: number;
  numRuns: number;
  seed: number;
  /** PGlite: each race's steps, statement by statement, interleaved by an fc.scheduler. */
  scheduler?: boolean;
  /** Every member id of the database so far, kept across calls (the expiry chunk's cursor needs them). */
  enrolled: string[];
  /** Called before each run: e.g. a new fault seed for the proxy. */
  beforeRun?: (run: number) => void;
}

export interface ModelStats {
  runs: number;
  ops: number;
  races: number;
  /** Races the database settled in an order other than the one they were sent in. */
  reordered: number;
  unknown: number;
  inFlightRetries: number;
  deadlockRetries: number;
  outcomes: Record<string, number>;
}

interface ModelWorld {
  program: Program;
  state: MemberState;
  tag: string;
  seq: number;
}

interface RealWorld {
  sys: MemberSystem;
  env: Env;
}

interface Env {
  options: ModelRunOptions;
  stats: ModelStats;
}

export const START = Temporal.Instant.from('2026-03-02T10:00:00+09:00');
const RESOLVE_WITHIN_MS = 60_000;

/** The members of the last run and their model states, for a final comparison (C2, C3). */
export interface ModelRunResult {
  stats: ModelStats;
  members: { id: string; state: MemberState }[];
}

export async function runModel(options: ModelRunOptions): Promise<ModelRunResult> {
  const stats = emptyStats();
  const env: Env = { options, stats };
  let last: ModelRunResult['members'] = [];
  const plans = fc.array(memberCommands(options), { minLength: options.members, maxLength: options.members });
  const failure = await fc.check(
    fc.asyncProperty(plans, async (memberPlans) => {
      options.beforeRun?.(stats.runs);
      const run = stats.runs++;
      const worlds = await setUp(env, run, options.enrolled);
      last = worlds.map((w) => ({ id: w.real.sys.member.id, state: w.model.state }));
      await inPool(
        memberPlans.map((cmds, i) => async () => {
          const world = worlds[i];
          if (!world) throw new Error('one world per plan');
          try {
            await fc.asyncModelRun(() => world, cmds);
          } catch (error) {
            throw new MemberFailure(`member ${world.model.tag} (${world.real.sys.member.id}) after ${String(cmds)}`, { cause: error });
          }
        }),
        options.concurrency,
      );
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true },
  );
  // fast-check's own report prints every member's commands; the one that failed is what helps.
  if (failure.failed) {
    const cause = failure.errorInstance;
    const where = cause instanceof MemberFailure ? `${cause.message}\n` : '';
    const inner = cause instanceof MemberFailure ? cause.cause : cause;
    throw new Error(`D1 diverged (seed ${options.seed}): ${where}${inner instanceof Error ? inner.stack : String(inner)}`);
  }
  return { stats, members: last };
}

class MemberFailure extends Error {}

function memberCommands(options: ModelRunOptions) {
  const step = dbStepSpec.map((spec) => new StepCommand(spec));
  const clock = clockSpec.map((spec) => new StepCommand(spec));
  const race = fc
    .tuple(fc.array(dbStepSpec, { minLength: 2, maxLength: 3 }), options.scheduler ? fc.scheduler() : fc.constant(undefined))
    .map(([specs, scheduler]) => new RaceCommand(specs, scheduler));
  return fc.commands(
    [
      ...Array.from({ length: 8 }, () => step),
      clock,
      race,
    ],
    { maxCommands: options.maxCommands, size: 'max' },
  );
}

/** Enrols the run's members and gives each the expiry chunk's cursor that makes a chunk of one its own. */
async function setUp(env: Env, run: number, everyone: string[]): Promise<{ model: ModelWorld; real: RealWorld }[]> {
  const { program, members } = env.options;
  // Set-up is not under test: it goes where the faults are not.
  const db = env.options.cleanDb ?? env.options.db;
  const ctx = { now: START, actor: 'test:model' };
  const ids = await inPool(
    Array.from({ length: members }, (_, i) => () =>
      db.transaction(async (tx) => (await enrolMember(tx, { program: MODEL_PROGRAM, externalId: `model-${env.options.seed}-${run}-${i}`, joinedAt: START }, ctx)).member.id),
    ),
    env.options.concurrency,
  );
  everyone.push(...ids);
  everyone.sort();
  return Promise.all(
    ids.map(async (id, i) => {
      const member = await getMember(db, id);
      if (!member) throw new Error(`member ${id} was enrolled`);
      const position = everyone.indexOf(id);
      const sys: MemberSystem = { program, member, expireAfter: position > 0 ? everyone[position - 1] : undefined, handles: new Map() };
      return { model: { program, state: emptyMember(START.epochMilliseconds), tag: `m${run}.${i}`, seq: 0 }, real: { sys, env } };
    }),
  );
}

class StepCommand implements fc.AsyncCommand<ModelWorld, RealWorld> {
  constructor(readonly spec: StepSpec) {}
  check(m: Readonly<ModelWorld>): boolean {
    return resolve(m.program, m.state, this.spec) !== undefined;
  }
  async run(m: ModelWorld, r: RealWorld): Promise<void> {
    const step = resolved(m, this.spec);
    const key = `${m.tag}.${m.seq++}`;
    const now = m.state.now;
    const expected = applyStep(m.program, m.state, step, key);
    const actual = step.type === 'clock' ? 'ok' : await perform(r, r.env.options.db, step, key, now);
    count(r.env.stats, step, actual);
    if (actual !== expected) throw new Error(`${describeSpec(this.spec)} [${key}]: the model says ${expected}, the system ${actual}`);
    const diff = stateDiff(m.state, await readLedger(readDb(r), r.sys.member.id, m.state.now));
    if (diff) throw new Error(`${describeSpec(this.spec)} [${key}] left the ledger unlike the model: ${diff}`);
  }
  toString(): string {
    return describeSpec(this.spec);
  }
}

class RaceCommand implements fc.AsyncCommand<ModelWorld, RealWorld> {
  constructor(
    readonly specs: StepSpec[],
    readonly scheduler: fc.Scheduler | undefined,
  ) {}
  check(m: Readonly<ModelWorld>): boolean {
    return this.specs.every((spec) => resolve(m.program, m.state, spec) !== undefined);
  }
  async run(m: ModelWorld, r: RealWorld): Promise<void> {
    const steps = this.specs.map((spec) => resolved(m, spec));
    const keys = steps.map(() => `${m.tag}.${m.seq++}`);
    const now = m.state.now;
    const db = this.scheduler ? scheduledDb(r.env.options.db, this.scheduler) : r.env.options.db;
    const running = steps.map((step, i) => perform(r, db, step, keys[i] ?? '', now));
    const actual = this.scheduler ? await drive(this.scheduler, running) : await Promise.all(running);
    steps.forEach((step, i) => count(r.env.stats, step, actual[i] ?? ''));
    const read = await readLedger(readDb(r), r.sys.member.id, now);
    // Two debits that raced can leave the same lots in either order but each with other points
    // (what a later refund restores): which order it was shows in their allocations.
    const debits = keys.filter((key, i) => actual[i] === 'ok' && r.sys.handles.has(`${key}#txn`) && isDebit(steps[i]));
    const taken = await readDebitAllocations(readDb(r), r.sys.member.id, debits.map((key) => r.sys.handles.get(`${key}#txn`) ?? ''));
    // Two shipments of one order confirm the same lot in either order, but the order keeps its
    // credits in the order they came, and a later return takes back the latest first.
    const credits = steps.some((step) => step.type === 'ship') ? await readOrderCredits(readDb(r), r.sys.member.id) : undefined;
    const tried: string[] = [];
    // The order they were sent in first: a race counts as reordered only when it cannot explain the result.
    const identity = steps.map((_, i) => i);
    const orders = [identity, ...permutations(steps.length).filter((p) => p.some((v, i) => v !== i))];
    for (const order of orders) {
      const state = structuredClone(m.state);
      const outcomes: Outcome[] = new Array(steps.length);
      for (const i of order) outcomes[i] = applyStep(m.program, state, steps[i] as Step, keys[i] ?? '');
      const diff =
        stateDiff(state, read) ??
        provenanceDiff(state, debits, (key) => taken.get(r.sys.handles.get(`${key}#txn`) ?? '')) ??
        (credits ? creditOrderDiff(state, credits) : undefined);
      if (!diff && outcomes.every((o, i) => o === actual[i])) {
        Object.assign(m.state, state);
        r.env.stats.races += 1;
        if (order.some((v, i) => v !== i)) r.env.stats.reordered += 1;
        return;
      }
      tried.push(`order ${order.join('')}: outcomes ${outcomes.join(',')}${diff ? `; ${diff}` : ''}`);
    }
    throw new Error(`${this.toString()}: no serial order explains outcomes ${actual.join(',')}:\n  ${tried.join('\n  ')}\n  steps ${JSON.stringify(steps)}\n  before ${debugState(m.state)}`);
  }
  toString(): string {
    return `race(${this.specs.map(describeSpec).join(' | ')})`;
  }
}

function debugState(s: MemberState): string {
  const g = s.ledger;
  return JSON.stringify({
    now: new Date(s.now).toISOString(),
    available: g.available,
    lots: [...g.lots].map(([b, l]) => [new Date(b).toISOString(), l.remaining, l.expired]),
    credits: [...g.credits].map(([h, c]) => [h, new Date(c.bucket).toISOString(), c.points, c.reversed]),
    debits: [...g.debits].map(([h, d]) => [h, d.points, d.reversed, [...d.restorable].map(([b, n]) => [new Date(b).toISOString(), n])]),
    orders: [...s.orders],
    redemptions: [...s.redemptions],
  });
}

function isDebit(step: Step | undefined): boolean {
  return step !== undefined && (step.type === 'billCredit' || step.type === 'checkout' || step.type === 'forfeit' || (step.type === 'adjust' && step.points < 0));
}

function provenanceDiff(s: MemberState, keys: string[], takenOf: (key: string) => Map<number, number> | undefined): string | undefined {
  for (const key of keys) {
    const model = s.ledger.debits.get(key)?.taken ?? new Map<number, number>();
    const real = takenOf(key) ?? new Map<number, number>();
    const same = model.size === real.size && [...model].every(([bucket, n]) => real.get(bucket) === n);
    if (!same) return `debit ${key} took ${JSON.stringify([...real])}, the model ${JSON.stringify([...model])}`;
  }
  return undefined;
}

function creditOrderDiff(s: MemberState, real: Map<string, number[]>): string | undefined {
  for (const [orderId, order] of s.orders) {
    const model = order.credits.map((c) => s.ledger.credits.get(c)?.points ?? Number.NaN);
    const got = real.get(orderId) ?? [];
    if (model.join(',') !== got.join(',')) return `order ${orderId} credits ${got.join(',')}, the model ${model.join(',')}`;
  }
  return undefined;
}

function resolved(m: ModelWorld, spec: StepSpec): Step {
  const step = resolve(m.program, m.state, spec);
  if (!step) throw new Error(`${describeSpec(spec)} passed its check, so it resolves`);
  return step;
}

function readDb(r: RealWorld): Db {
  return r.env.options.cleanDb ?? r.env.options.db;
}

function count(stats: ModelStats, step: Step, outcome: Outcome): void {
  stats.ops += 1;
  const name = `${step.type}:${outcome}`;
  stats.outcomes[name] = (stats.outcomes[name] ?? 0) + 1;
}

/**
 * Runs a step until it has an outcome. A deadlock or serialization failure is retried as any caller
 * would; under faults a lost connection makes the outcome unknown, and the step is sent again with
 * the same keys where the faults have stopped, until it answers (an event applied the first time
 * answers `duplicate`: that is the same 'ok'), within 60 seconds.
 */
async function perform(r: RealWorld, db: Db, step: Step, key: string, now: number): Promise<Outcome> {
  const { options, stats } = r.env;
  let unknown = false;
  const deadline = Date.now() + RESOLVE_WITHIN_MS;
  for (;;) {
    try {
      const outcome = await execute(unknown ? (options.cleanDb ?? db) : db, r.sys, step, key, now);
      if (outcome === 'idempotency_key_in_flight' && unknown && Date.now() < deadline) {
        stats.inFlightRetries += 1;
        await sleep(20);
        continue;
      }
      return unknown && outcome === 'duplicate' ? 'ok' : outcome;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`step ${step.type} [${key}] did not resolve within ${RESOLVE_WITHIN_MS} ms`, { cause: error });
      if (isRetryable(error)) {
        stats.deadlockRetries += 1;
        continue;
      }
      // The shared server's connection slots are full (other suites): wait for one, as a pool would.
      if (codeOf(error) === '53300') {
        await sleep(50);
        continue;
      }
      if (!options.faults || !isConnectionFault(error)) throw error;
      if (!unknown) stats.unknown += 1;
      unknown = true;
    }
  }
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40P01' || code === '40001';
}

/** What a client sees when the connection dies under it: the outcome is unknown, not refused. */
function isConnectionFault(error: unknown): boolean {
  const code = codeOf(error);
  if (code && ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', '57P01', '08006', '08003', '08000', '08001'].includes(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection error|not queryable|Client was closed|socket hang up|timeout exceeded when trying to connect/i.test(message);
}

/** A view of `db` whose every statement first waits for the scheduler to let it go (PGlite races). */
function scheduledDb(db: Db, s: fc.Scheduler): Db {
  const gated = (on: Queryable): Queryable => ({
    query: async (stmt, values) => {
      await s.schedule(Promise.resolve(stmt.name), stmt.name);
      return on.query(stmt, values);
    },
    exec: (sql) => on.exec(sql),
  });
  return { ...db, ...gated(db), kind: db.kind, transaction: (fn) => db.transaction((tx) => fn(gated(tx))), close: () => db.close() };
}

/** Lets the scheduler release statements until every racing step has its outcome. */
async function drive<T>(s: fc.Scheduler, running: Promise<T>[]): Promise<T[]> {
  let settled = false;
  const all = Promise.all(running).finally(() => {
    settled = true;
  });
  all.catch(() => {});
  while (!settled) {
    await s.waitAll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return all;
}

async function inPool<T>(tasks: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      if (task) results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function emptyStats(): ModelStats {
  return { runs: 0, ops: 0, races: 0, reordered: 0, unknown: 0, inFlightRetries: 0, deadlockRetries: 0, outcomes: {} };
}

export function addStats(total: ModelStats, stats: ModelStats): void {
  for (const key of ['runs', 'ops', 'races', 'reordered', 'unknown', 'inFlightRetries', 'deadlockRetries'] as const) total[key] += stats[key];
  for (const [name, n] of Object.entries(stats.outcomes)) total.outcomes[name] = (total.outcomes[name] ?? 0) + n;
}
