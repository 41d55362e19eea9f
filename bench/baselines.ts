import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../src/db/index.js';
import { newId } from '../src/ids.js';
import { walMeter } from './backend.js';
import type { BaselineResult, BenchContext } from './context.js';
import { cpuPerUnit, errorCount, median, perSecond, runConcurrent, summarize, timed } from './measure.js';
import { memberId } from './seed.js';

/**
 * The yardsticks of PERFORMANCE.md §3, measured in the same run, with the same driver and the same
 * database as the workloads, so a ratio says how close the ledger gets to what the hardware allows.
 */

// Shaped like ledger_journal's hot part: same key and idempotency constraint, no function, no FK.
const createJournalTable = `
  create table bench_journal (
    member_id  text not null,
    id         text not null,
    key        text not null,
    points     bigint not null,
    created_at timestamptz not null,
    primary key (member_id, id),
    unique (member_id, key)
  )`;

// Shaped like ledger_lots, with the same primary key as its only index.
const createLotTable = `
  create table bench_lots (
    member_id  text not null,
    expires_at timestamptz not null,
    lot_class  text not null,
    remaining  bigint not null,
    expired    bigint not null default 0,
    primary key (member_id, expires_at, lot_class)
  )`;

const insertJournalRow = statement('bench.insertJournalRow', `
  insert into bench_journal (member_id, id, key, points, created_at) values ($1, $2, $3, $4, $5)`);

const insertLots = statement('bench.insertLots', `
  insert into bench_lots (member_id, expires_at, lot_class, remaining)
  select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[])`);

export async function createBaselineTables(db: Db): Promise<void> {
  await db.exec(`${createJournalTable}; ${createLotTable}`);
}

/** B_ins(c): single-row autocommit INSERTs from c concurrent callers (c connections on PostgreSQL). */
export async function measureInsertRate(ctx: BenchContext): Promise<BaselineResult> {
  const { db, sizes, runId } = ctx;
  const c = sizes.concurrency;
  const wal = walMeter(db);
  const stats = await runConcurrent(
    c,
    sizes.insOps,
    async (i) => {
      const member = memberId('bg', 1 + (i % sizes.members));
      await db.query(insertJournalRow, [member, newId('txn'), `ins:${runId}:${i}`, 100, Temporal.Now.instant().toString()]);
      return 'inserted';
    },
    { warmup: c * 4, beforeTiming: wal.start },
  );
  const walBytesPerOp = await wal.perUnit(sizes.insOps);
  if (errorCount(stats.outcomes) > 0) throw new Error(`B_ins failed: ${JSON.stringify([...stats.outcomes])}`);
  return {
    id: 'B_ins',
    label: `B_ins(${c})`,
    title: `single-row autocommit INSERT, ${c} concurrent`,
    rate: perSecond(sizes.insOps, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.insOps,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    details: { walBytesPerOp, processCpuUsPerOp: cpuPerUnit(stats, sizes.insOps) },
  };
}

const BULK_CHUNK = 10_000;

/** B_bulk: rows/s of `insert … select from unnest(arrays)` in chunks of 10k into the lot-shaped table. */
export async function measureBulkRate(ctx: BenchContext): Promise<BaselineResult> {
  const { db, sizes } = ctx;
  const now = Temporal.Now.instant();
  const expiries = [now.add({ hours: 24 }).toString(), now.add({ hours: 48 }).toString()];
  // The arrays are built before the clock starts: the baseline times the database, not JavaScript.
  const chunks: unknown[][] = [];
  for (let from = 0; from < sizes.bulkRows; from += BULK_CHUNK) {
    const rows = Math.min(BULK_CHUNK, sizes.bulkRows - from);
    const members: string[] = [];
    const expiresAt: string[] = [];
    for (let r = from; r < from + rows; r++) {
      members.push(memberId('bulk', 1 + Math.floor(r / 2)));
      expiresAt.push(expiries[r % 2] ?? '');
    }
    chunks.push([members, expiresAt, Array(rows).fill('base'), Array(rows).fill(100)]);
  }
  const { elapsedMs } = await timed(async () => {
    for (const chunk of chunks) await db.query(insertLots, chunk);
  });
  return {
    id: 'B_bulk',
    label: 'B_bulk',
    title: `insert … select unnest, ${BULK_CHUNK.toLocaleString('en')} rows/statement, lot-shaped`,
    rate: perSecond(sizes.bulkRows, elapsedMs),
    unit: 'rows/s',
    count: sizes.bulkRows,
    elapsedMs,
  };
}

const selectOne = statement('bench.selectOne', 'select 1 as one');

/**
 * B_rtt(c): `SELECT 1` round trips from c concurrent callers (c connections on PostgreSQL): what a
 * read of one row costs when the query itself costs nothing. W10's yardstick.
 */
export async function measureRoundTrips(ctx: BenchContext): Promise<BaselineResult> {
  const { db, sizes } = ctx;
  const c = sizes.concurrency;
  const stats = await runConcurrent(
    c,
    sizes.w10Ops,
    async () => {
      await db.query(selectOne);
      return 'ok';
    },
    { warmup: c * 4 },
  );
  if (errorCount(stats.outcomes) > 0) throw new Error(`B_rtt failed: ${JSON.stringify([...stats.outcomes])}`);
  return {
    id: 'B_rtt',
    label: `B_rtt(${c})`,
    title: `SELECT 1 round trips, ${c} concurrent`,
    rate: perSecond(sizes.w10Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w10Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    details: { processCpuUsPerOp: cpuPerUnit(stats, sizes.w10Ops) },
  };
}

// Reads every row: count(*) alone could be answered from an index on PostgreSQL, sum(amount) cannot.
const scanPostings = statement('bench.scanPostings', 'select count(*)::bigint as rows, sum(amount)::bigint as total from ledger_postings');

/**
 * B_scan: one sequential scan of `ledger_postings`, the table `ledger verify` reads most (W12's
 * yardstick). One untimed scan first, so verify and the scan both find the table in cache; then the
 * median of `w12Runs` timed scans.
 */
export async function measurePostingsScan(ctx: BenchContext): Promise<BaselineResult> {
  const { db, sizes } = ctx;
  await db.query(scanPostings);
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < sizes.w12Runs; run++) {
    const scan = await timed(() => db.query<{ rows: number }>(scanPostings));
    rows = scan.value[0]?.rows ?? 0;
    times.push(scan.elapsedMs);
  }
  const elapsedMs = median(times);
  return {
    id: 'B_scan',
    label: 'B_scan',
    title: `sequential scan of ledger_postings (${rows.toLocaleString('en')} rows), median of ${sizes.w12Runs}`,
    rate: perSecond(rows, elapsedMs),
    unit: 'rows/s',
    count: rows,
    elapsedMs,
    details: { scanMs: elapsedMs },
  };
}
