// Points liability (#8, finance): GET /v1/programs/{program}/liability over twelve months of a program's
// history, as a ratio to a baseline measured in the same run on the same database: one full scan of
// the postings table (`count(*)`). Reported, not yet a goal: the report reads every posting and
// allocation of the program once (joined with its account) and joins with the journal only the
// transactions of the months shown, so it is timed over all of history and over its last quarter.
//   DATABASE_URL=… npx tsx bench/liability.ts [--members 40000] [--backend postgres|pglite] [--explain] [--keep]
// 40,000 members make about 290,000 postings; 160,000 about 1.15M.
// Seeding is set-based (bench/seed.ts: credits exactly as ledger_credit writes them), one group of
// members a month, 1–3 buckets each; then, month by month, the nightly expiry of what fell due and a
// debit of 50 points by every member of the month before (ledger_apply, 1,000 per call).
// The timed call is the one the route makes: programLiability, both statements in one snapshot.
import { Temporal } from 'temporal-polyfill';
import { statement } from '../src/db/index.js';
import { applyOperations, expireDueChunk, programLiability, verifyLedger, type DebitOp } from '../src/ledger/index.js';
import { liabilityPeriod } from '../src/ledger/liability-period.js';
import { liabilityBuckets, liabilityFlows } from '../src/ledger/sql.js';
import { openBackend, settle, type BackendName } from './backend.js';
import { memberId, PROGRAM, seedCreditedMembers } from './seed.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const backendName = arg('backend', process.env.DATABASE_URL ? 'postgres' : 'pglite') as BackendName;
const members = Number(arg('members', backendName === 'postgres' ? '40000' : '10000'));
const MONTHS = 12;
const runs = 5;
const ZONE = 'Asia/Tokyo';
const FIRST = Temporal.PlainYearMonth.from('2025-05');
const jst = (month: Temporal.PlainYearMonth, day: number) =>
  month.toPlainDate({ day }).toZonedDateTime({ timeZone: ZONE, plainTime: '10:00' }).toInstant();
const days = (from: Temporal.Instant, n: number) => from.add({ hours: 24 * n });

const scan = statement('bench.liability.scan', `select count(*)::bigint as n from ledger_postings`);

async function seed(db: Parameters<typeof seedCreditedMembers>[0]): Promise<void> {
  const perMonth = Math.ceil(members / MONTHS);
  for (let k = 0; k < MONTHS; k += 1) {
    const month = FIRST.add({ months: k });
    // The nightly job of the month's first day expires what fell due since the last one.
    const start = month.toPlainDate({ day: 1 }).toZonedDateTime({ timeZone: ZONE }).toInstant();
    for (let after: string | undefined; ; ) {
      const chunk = await expireDueChunk(db, start, after, 20_000);
      if (!chunk.lastMember) break;
      after = chunk.lastMember;
    }
    const now = jst(month, 10);
    const buckets = [90, 400, 800].map((d, i) => ({ points: 100 * (i + 1), expiresAt: days(now, d) }));
    await seedCreditedMembers(db, `m${k}`, perMonth, buckets, now, true);
    if (k === 0) continue;
    const spendAt = jst(month, 20);
    for (let from = 1; from <= perMonth; from += 1000) {
      const ops: DebitOp[] = [];
      for (let i = from; i < Math.min(perMonth + 1, from + 1000); i += 1) {
        ops.push({ op: 'debit', member: memberId(`m${k - 1}`, i), points: 50, key: `bench:spend:${k}:${i}`, actor: 'bench' });
      }
      const results = await applyOperations(db, ops, spendAt);
      const refused = results.filter((r) => r.status !== 'created');
      if (refused.length > 0) throw new Error(`${refused.length} debits refused: ${JSON.stringify(refused[0])}`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const summarize = statement('bench.liability.summarize', `select brin_summarize_new_values('ledger_journal_recorded_at') as ranges`);

const backend = await openBackend(backendName, { databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
try {
  const seeded = performance.now();
  await seed(backend.db);
  await settle(backend);
  // What autovacuum does on PostgreSQL (autosummarize): summarise the BRIN ranges the seed filled.
  // PGlite runs no autovacuum, so there the index stays unsummarised and is read whole.
  if (backend.name === 'postgres') await backend.db.query(summarize);
  const [count] = await backend.db.query<{ n: number }>(scan);
  const postings = count?.n ?? 0;
  console.log(`${backend.name} (${backend.location}): seeded ${members.toLocaleString('en')} members, ${postings.toLocaleString('en')} postings in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const now = jst(FIRST.add({ months: MONTHS }), 1);
  const last = FIRST.add({ months: MONTHS - 1 });
  const year = { programKey: PROGRAM, timeZone: ZONE, from: FIRST.toString(), to: last.toString(), now };
  const quarter = { ...year, from: last.subtract({ months: 2 }).toString() };
  // Untimed first calls: prepare the statements and warm the cache the same way for all three.
  await backend.db.query(scan);
  const first = await programLiability(backend.db, year);
  await programLiability(backend.db, quarter);
  const times = { scan: [] as number[], year: [] as number[], quarter: [] as number[] };
  const time = async (into: number[], run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    into.push(performance.now() - started);
  };
  for (let run = 0; run < runs; run += 1) {
    await time(times.scan, () => backend.db.query(scan));
    await time(times.year, () => programLiability(backend.db, year));
    await time(times.quarter, () => programLiability(backend.db, quarter));
  }
  const s = median(times.scan);
  const line = (label: string, xs: number[]) =>
    `${label}: ${median(xs).toFixed(1)} ms, ${(median(xs) / s).toFixed(2)} × the scan (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
  console.log(`closing outstanding ${first.closing.outstanding.toLocaleString('en')}; issued ${first.totals.issued.toLocaleString('en')}, redeemed ${first.totals.redeemed.toLocaleString('en')}, expired ${first.totals.expired.toLocaleString('en')}`);
  console.log(line('baseline count(*) over ledger_postings', times.scan));
  console.log(line(`liability ${year.from}..${year.to} (all of history)`, times.year));
  console.log(line(`liability ${quarter.from}..${quarter.to} (the last quarter)`, times.quarter));
  if (flag('explain') && backend.name === 'postgres') await explain(backend.db, year);
  const violations = await verifyLedger(backend.db);
  if (violations.length > 0) throw new Error(`ledger verify: ${JSON.stringify(violations[0])}`);
} finally {
  if (flag('keep')) console.log(`kept database ${backend.location}; drop it when done`);
  else await backend.dispose();
}

/** EXPLAIN (ANALYZE, BUFFERS) of both statements with the report's parameters and settings. */
async function explain(db: typeof backend.db, request: { programKey: string; timeZone: string; from: string; to: string; now: Temporal.Instant }): Promise<void> {
  const period = liabilityPeriod(request.timeZone, request.from, request.to, request.now);
  const end = String(period.bounds.at(-1));
  for (const [stmt, values] of [
    [liabilityFlows, [request.programKey, period.bounds.map(String)]],
    [liabilityBuckets, [request.programKey, end]],
  ] as const) {
    const rows = await db.transaction(async (tx) => {
      await tx.exec(`set local jit = off; set local work_mem = '64MB'`);
      return tx.query<{ 'QUERY PLAN': string }>(statement(`${stmt.name}.explain`, `explain (analyze, buffers) ${stmt.text}`), values);
    });
    console.log(`\n${stmt.name}:\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  }
}
