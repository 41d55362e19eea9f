import { Temporal } from 'temporal-polyfill';
import { getBalance } from '../../src/ledger/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, round, runConcurrent, summarize } from '../measure.js';
import { memberPicker } from '../random.js';
import { memberId } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

/**
 * W10: the balance and expiring-soon read (`getBalance`, what GET /v1/members/:id/balance answers:
 * available, pending, and the points of each bucket still valid, soonest expiry first), one
 * statement per call, on the seeded members (1–3 buckets each). Throughput from `concurrency`
 * callers, against B_rtt at the same concurrency. The latency goal is read from a second pass by a
 * single caller: at 32 callers on a saturated machine every read waits about 32 ÷ throughput in
 * queues (Little's law), which says how busy the machine is, not how long a read takes.
 */
export async function readBalances(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes } = ctx;
  const pick = memberPicker(sizes.members, sizes.zipf, 10);
  let listed = 0;
  const read = async () => {
    const balance = await getBalance(db, memberId('bg', pick()), Temporal.Now.instant());
    if (!balance) return 'missing';
    listed += balance.expiring.length;
    return 'ok';
  };
  const loaded = await runConcurrent(sizes.concurrency, sizes.w10Ops, read, { warmup: sizes.concurrency * 4 });
  const loadedLatency = summarize(loaded.latenciesMs);
  const bucketsPerRead = round(listed / (sizes.w10Ops + sizes.concurrency * 4));
  const single = sizes.concurrency === 1 ? loaded : await runConcurrent(1, Math.ceil(sizes.w10Ops / 4), read, { warmup: 100 });
  const merged = new Map(loaded.outcomes);
  if (single !== loaded) for (const [label, n] of single.outcomes) merged.set(label, (merged.get(label) ?? 0) + n);
  return {
    id: 'W10',
    title: `balance + expiring-soon read (getBalance), ${sizes.concurrency} concurrent; p99 from 1 caller`,
    rate: perSecond(sizes.w10Ops, loaded.elapsedMs),
    unit: 'ops/s',
    count: sizes.w10Ops,
    elapsedMs: loaded.elapsedMs,
    latencyMs: summarize(single.latenciesMs),
    latencyOf: '1 caller',
    faults: faultsFrom(merged, ['ok']),
    details: {
      ...outcomeDetails(merged),
      [`p50Ms.${sizes.concurrency}callers`]: round(loadedLatency.p50),
      [`p99Ms.${sizes.concurrency}callers`]: round(loadedLatency.p99),
      singleCallerReads: single.latenciesMs.length,
      singleCallerReadsPerSecond: Math.round(perSecond(single.latenciesMs.length, single.elapsedMs)),
      bucketsListedPerRead: bucketsPerRead,
      processCpuUsPerRead: cpuPerUnit(loaded, sizes.w10Ops),
      members: sizes.members,
    },
  };
}
