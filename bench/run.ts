// `npm run bench [-- --quick] [-- --backend pglite|postgres|all] [-- --w1-ops 50000 …]`
// Runs the PERFORMANCE.md workloads against PGlite, and against PostgreSQL when DATABASE_URL is set,
// each on a fresh database of its own, prints the table and writes bench/results.json. Any ledger
// invariant broken (verifyLedger), overdraft, lost update, deadlock or error exits 1; an unmet speed
// goal is reported, and exits 1 only with --strict.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { verifyLedger } from '../src/ledger/index.js';
import { openBackend, settle, type Backend, type BackendName } from './backend.js';
import { createBaselineTables, measureBulkRate, measureInsertRate, measurePostingsScan, measureRoundTrips } from './baselines.js';
import type { BaselineResult, BenchContext, Sizes, WorkloadResult } from './context.js';
import { evaluate } from './goals.js';
import { timed } from './measure.js';
import { startHttpApp } from './http-app.js';
import { describeMachine, formatReport, writeJson, type BackendReport, type RunReport } from './report.js';
import { seedMembers } from './seed.js';
import { resolveSizes, sizeFlags, type Preset } from './sizes.js';
import { earnOneByOne } from './workloads/w1-earn.js';
import { earnBatched } from './workloads/w2-earn-batched.js';
import { redeemAcrossBuckets } from './workloads/w3-redeem.js';
import { redeemHotMembers } from './workloads/w4-hot-redeem.js';
import { grantMonthly } from './workloads/w7-monthly-grant.js';
import { expireDueBuckets } from './workloads/w8-expiry.js';
import { mixedWorkload } from './workloads/w5-mixed.js';
import { replayStorm } from './workloads/w6-replay-storm.js';
import { earnDuringGrant } from './workloads/w9-earn-during-grant.js';
import { readBalances } from './workloads/w10-balance-read.js';
import { verifySeededLedger } from './workloads/w12-verify.js';
import { earnOverHttp } from './workloads/w1-http-earn.js';
import { readBalancesOverHttp } from './workloads/w10-http-balance.js';

const benchDir = dirname(fileURLToPath(import.meta.url));

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string' },
    'pglite-on-disk': { type: 'boolean', default: false },
    out: { type: 'string', default: join(benchDir, 'results.json') },
    strict: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
    ...Object.fromEntries(Object.keys(sizeFlags).map((flag) => [flag, { type: 'string' as const }])),
  },
  strict: true,
});

const usage = `npm run bench -- [--quick] [--backend pglite|postgres|all] [--only W1,W2,…] [--pglite-on-disk] [--strict] [--out file]
  sizes (flag or BENCH_<NAME> env): ${Object.keys(sizeFlags).map((f) => `--${f} N`).join(' ')}
  PostgreSQL runs when DATABASE_URL is set (a fresh database is created on that server and dropped).`;

function log(message: string): void {
  process.stderr.write(`${Temporal.Now.instant().toString().slice(11, 19)} ${message}\n`);
}

function chooseBackends(): BackendName[] {
  const requested = flags.backend ?? 'all';
  const url = process.env.DATABASE_URL;
  if (requested === 'pglite') return ['pglite'];
  if (requested === 'postgres') {
    if (!url) throw new Error('--backend postgres needs DATABASE_URL');
    return ['postgres'];
  }
  if (requested !== 'all') throw new Error(`--backend must be pglite, postgres or all, got "${requested}"`);
  return url ? ['pglite', 'postgres'] : ['pglite'];
}

async function benchBackend(name: BackendName, sizes: Sizes): Promise<BackendReport> {
  log(`${name}: opening a fresh database`);
  const backend = await openBackend(name, {
    databaseUrl: process.env.DATABASE_URL,
    pgliteOnDisk: flags['pglite-on-disk'],
    poolSize: Math.max(sizes.concurrency, sizes.w4Concurrency, sizes.w2Writers),
  });
  try {
    return await runPhases(backend, sizes);
  } finally {
    await backend.dispose();
  }
}

async function runPhases(backend: Backend, sizes: Sizes): Promise<BackendReport> {
  const ctx: BenchContext = {
    db: backend.db,
    backend: backend.name,
    sizes,
    runId: randomBytes(4).toString('hex'),
    settle: () => settle(backend),
  };
  const name = backend.name;
  const loadAtStart = loadavg()[0] ?? 0;
  log(`${name}: seeding ${sizes.members.toLocaleString('en')} members with 1–3 buckets each`);
  const seeded = await timed(async () => {
    await seedMembers(backend.db, sizes.members);
    await createBaselineTables(backend.db);
    await ctx.settle();
  });

  const baselines: BaselineResult[] = [];
  const workloads: WorkloadResult[] = [];
  const only = flags.only?.split(',').map((w) => w.trim().toUpperCase());
  const step = async (label: string, run: () => Promise<WorkloadResult>) => {
    if (only && !only.some((w) => label.startsWith(`${w} `))) return;
    log(`${name}: ${label}`);
    await ctx.settle();
    const result = await run();
    log(`${name}: ${label}: ${Math.round(result.rate).toLocaleString('en')} ${result.unit}`);
    workloads.push(result);
  };

  // A baseline only one workload uses is measured in that workload's step, right before it.
  const withBaseline = (measure: () => Promise<BaselineResult>, run: () => Promise<WorkloadResult>) => async () => {
    const baseline = await measure();
    log(`${name}: ${baseline.label}: ${Math.round(baseline.rate).toLocaleString('en')} ${baseline.unit}`);
    baselines.push(baseline);
    return run();
  };
  const wanted = (id: string) => !only || only.includes(id);

  log(`${name}: B_ins(${sizes.concurrency})`);
  baselines.push(await measureInsertRate(ctx));
  // First, so that verify reads the seeded postings only, whichever workloads run.
  await step('W12 ledger verify', withBaseline(() => measurePostingsScan(ctx), () => verifySeededLedger(ctx)));
  await step('W1 earn, one call per op', () => earnOneByOne(ctx));
  await step('W2 earn through the writer', () => earnBatched(ctx));
  await step('W3 redeem across buckets', () => redeemAcrossBuckets(ctx));
  await step('W4 hot members', () => redeemHotMembers(ctx));
  await step('W5 mixed', () => mixedWorkload(ctx));
  await step('W6 replay storm', () => replayStorm(ctx));
  await step('W10 balance read', withBaseline(() => measureRoundTrips(ctx), () => readBalances(ctx)));
  if (wanted('W1-HTTP') || wanted('W10-HTTP')) {
    log(`${name}: starting the app on 127.0.0.1, seeding ${sizes.httpMembers.toLocaleString('en')} members`);
    const http = await startHttpApp(ctx);
    try {
      await step('W1-HTTP earn through the API', () => earnOverHttp(ctx, http));
      await step('W10-HTTP balance through the API', () => readBalancesOverHttp(ctx, http));
    } finally {
      await http.close();
    }
  }
  if (wanted('W7') || wanted('W8')) {
    log(`${name}: B_bulk`);
    await ctx.settle();
    baselines.push(await measureBulkRate(ctx));
  }
  await step('W7 monthly grant', () => grantMonthly(ctx));
  await step('W8 expiry', () => expireDueBuckets(ctx));
  await step('W9 earn during the grant', () => earnDuringGrant(ctx));

  log(`${name}: verifyLedger`);
  const verified = await timed(() => verifyLedger(backend.db));
  const checks = workloads.flatMap((w) => evaluate(name, baselines, w));
  return {
    backend: name,
    serverVersion: backend.serverVersion,
    location: backend.location,
    sizes,
    seedMs: Math.round(seeded.elapsedMs),
    loadAverage1m: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    baselines,
    workloads,
    checks,
    verify: { violations: verified.value, elapsedMs: Math.round(verified.elapsedMs) },
  };
}

async function main(): Promise<number> {
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const preset: Preset = flags.quick ? 'quick' : 'default';
  const sizeValues = Object.fromEntries(Object.keys(sizeFlags).map((f) => [f, flags[f as keyof typeof flags] as string | undefined]));
  const startedAt = Temporal.Now.instant().toString({ smallestUnit: 'second' });
  const backends: BackendReport[] = [];
  for (const name of chooseBackends()) {
    backends.push(await benchBackend(name, resolveSizes(preset, name, sizeValues, process.env)));
  }
  const checks = backends.flatMap((b) => b.checks);
  const speed = checks.filter((c) => c.kind === 'performance');
  const passed =
    checks.every((c) => c.kind === 'performance' || c.met) && backends.every((b) => b.verify.violations.length === 0);
  const report: RunReport = {
    startedAt,
    preset,
    machine: describeMachine(),
    backends,
    passed,
    goalsMet: `${speed.filter((c) => c.met).length} of ${speed.length}`,
  };
  process.stdout.write(`${formatReport(report)}\n`);
  await writeJson(flags.out, report);
  log(`wrote ${flags.out}`);
  for (const b of backends) {
    for (const v of b.verify.violations) log(`${b.backend}: VIOLATION ${v.invariant}: ${JSON.stringify(v.rows.slice(0, 3))}`);
  }
  if (!passed) return 1;
  return flags.strict && speed.some((c) => !c.met) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
