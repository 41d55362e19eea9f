import { Temporal } from 'temporal-polyfill';
import { systemClock } from '../../src/clock.js';
import type { Queryable } from '../../src/db/index.js';
import { createLedgerWriter, type CreditOp, type LedgerWriter } from '../../src/ledger/index.js';
import { walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, round, runConcurrent, summarize } from '../measure.js';
import { memberPicker } from '../random.js';
import { earnExpiries, memberId } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

const MAX_BATCH = 1000;

/**
 * W2: earn through the group-commit writer. `w2Submitters` closed-loop callers submit one credit
 * each and wait for its result; `w2Writers` writers (each routed a fixed share of members, so two
 * batches never wait on each other's member locks) send what has queued as one `ledger_apply` of at
 * most 1,000 operations. Latency is submit → result, queueing included.
 */
export async function earnBatched(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const expiries = earnExpiries(Temporal.Now.instant());
  const pick = memberPicker(sizes.members, sizes.zipf, 2);
  const batches = batchLog(db);
  const writers: LedgerWriter[] = Array.from({ length: sizes.w2Writers }, () =>
    createLedgerWriter(batches.db, systemClock, { maxBatch: MAX_BATCH }),
  );
  const warmup = sizes.w2Submitters * 2;
  const wal = walMeter(db);
  const stats = await runConcurrent(
    sizes.w2Submitters,
    sizes.w2Ops,
    async (i) => {
      const member = pick();
      const writer = writers[member % writers.length];
      if (!writer) throw new Error('no writer');
      const op: CreditOp = {
        op: 'credit',
        member: memberId('bg', member),
        key: `w2:${runId}:${i}`,
        kind: 'earn',
        points: 10 + (i % 90),
        expiresAt: expiries[i % expiries.length],
        actor: 'upstream:bench',
      };
      return (await writer.submit(op)).status;
    },
    {
      warmup,
      beforeTiming: async () => {
        batches.reset();
        await wal.start();
      },
    },
  );
  await Promise.all(writers.map((w) => w.drain()));
  const walBytesPerOp = await wal.perUnit(sizes.w2Ops);
  const batchMs = summarize(Float64Array.from(batches.durationsMs));
  return {
    id: 'W2',
    title: `earn via createLedgerWriter ≤${MAX_BATCH}/batch, ${sizes.w2Submitters} submitters, ${sizes.w2Writers} writer(s)`,
    rate: perSecond(sizes.w2Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w2Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    latencyOf: 'submit→result',
    faults: faultsFrom(stats.outcomes, ['created']),
    details: {
      ...outcomeDetails(stats.outcomes),
      processCpuUsPerOp: cpuPerUnit(stats, sizes.w2Ops),
      batches: batches.durationsMs.length,
      opsPerBatch: round(sizes.w2Ops / Math.max(1, batches.durationsMs.length)),
      batchMsP50: round(batchMs.p50),
      batchMsP99: round(batchMs.p99),
      // Time inside ledger_apply per operation: what bounds one writer's throughput.
      usPerOpInBatch: round((sum(batches.durationsMs) * 1000) / sizes.w2Ops),
      walBytesPerOp,
      zipf: sizes.zipf,
    },
  };
}

/** Wraps the database so each `ledger_apply` call (one batch) is timed. */
function batchLog(db: Queryable): { db: Queryable; durationsMs: number[]; reset(): void } {
  const log = {
    durationsMs: [] as number[],
    reset() {
      log.durationsMs = [];
    },
    db: {
      exec: (sql: string) => db.exec(sql),
      async query<Row>(...args: Parameters<Queryable['query']>): Promise<Row[]> {
        const started = performance.now();
        const rows = await db.query<Row>(...args);
        log.durationsMs.push(performance.now() - started);
        return rows;
      },
    } satisfies Queryable,
  };
  return log;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
