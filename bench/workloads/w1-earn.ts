import { Temporal } from 'temporal-polyfill';
import { applyOperations, type CreditOp } from '../../src/ledger/index.js';
import { walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, runConcurrent, summarize } from '../measure.js';
import { memberPicker } from '../random.js';
import { earnExpiries, memberId } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

/**
 * W1: earn, one transaction per event. Each call is one `ledger_apply` round trip holding one credit
 * with its own idempotency key, from `concurrency` callers (32 connections natively, 1 on PGlite).
 */
export async function earnOneByOne(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const expiries = earnExpiries(Temporal.Now.instant());
  const pick = memberPicker(sizes.members, sizes.zipf, 1);
  const credit = (i: number): CreditOp => ({
    op: 'credit',
    member: memberId('bg', pick()),
    key: `w1:${runId}:${i}`,
    kind: 'earn',
    points: 10 + (i % 90),
    expiresAt: expiries[i % expiries.length],
    actor: 'upstream:bench',
  });
  const wal = walMeter(db);
  const stats = await runConcurrent(
    sizes.concurrency,
    sizes.w1Ops,
    async (i) => {
      const [result] = await applyOperations(db, [credit(i)], Temporal.Now.instant());
      return result?.status ?? 'missing';
    },
    { warmup: sizes.concurrency * 4, beforeTiming: wal.start },
  );
  const walBytesPerOp = await wal.perUnit(sizes.w1Ops);
  return {
    id: 'W1',
    title: `earn, 1 ledger_apply per op, ${sizes.concurrency} concurrent`,
    rate: perSecond(sizes.w1Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w1Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    latencyOf: 'call',
    faults: faultsFrom(stats.outcomes, ['created']),
    details: { ...outcomeDetails(stats.outcomes), processCpuUsPerOp: cpuPerUnit(stats, sizes.w1Ops), walBytesPerOp, zipf: sizes.zipf },
  };
}
