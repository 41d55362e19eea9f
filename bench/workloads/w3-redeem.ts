import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { applyOperations } from '../../src/ledger/index.js';
import { walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, round, runConcurrent, summarize, timed } from '../measure.js';
import { earnExpiries, memberId, seedCreditedMembers } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

const BUCKET_POINTS = 100;

const bucketsConsumed = statement('bench.w3.bucketsConsumed', `
  select count(*)::int as buckets, count(distinct journal_id)::int as redeems
  from ledger_allocations
  where starts_with(member_id, 'mbr_w3_') and remaining_delta < 0`);

/**
 * W3: redeem FIFO across buckets. Each member holds three buckets of 100 points a year apart and is
 * redeemed once, for 150–250 points, so a debit empties one or two buckets and dips into the next:
 * 2–3 buckets per call. One `ledger_apply` per debit, `concurrency` callers, members in a shuffled
 * order so callers never queue on the same member.
 */
export async function redeemAcrossBuckets(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const warmup = sizes.concurrency * 4;
  const members = sizes.w3Ops + warmup;
  const buckets = earnExpiries(Temporal.Now.instant()).map((expiresAt) => ({ points: BUCKET_POINTS, expiresAt }));
  const seeded = await timed(() => seedCreditedMembers(db, 'w3', members, buckets, Temporal.Now.instant()));
  await ctx.settle();
  const shuffle = permutation(members);
  const wal = walMeter(db);
  const stats = await runConcurrent(
    sizes.concurrency,
    sizes.w3Ops,
    async (i) => {
      const [result] = await applyOperations(
        db,
        [{ op: 'debit', member: memberId('w3', shuffle(i)), key: `w3:${runId}:${i}`, kind: 'redeem', points: 150 + (i % 101), actor: 'member:bench' }],
        Temporal.Now.instant(),
      );
      return result?.status ?? 'missing';
    },
    { warmup, beforeTiming: wal.start },
  );
  const walBytesPerOp = await wal.perUnit(sizes.w3Ops);
  const [consumed] = await db.query<{ buckets: number; redeems: number }>(bucketsConsumed);
  return {
    id: 'W3',
    title: `redeem (debit) across 2–3 buckets, ${sizes.concurrency} concurrent`,
    rate: perSecond(sizes.w3Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w3Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    latencyOf: 'call',
    faults: faultsFrom(stats.outcomes, ['created']),
    details: {
      ...outcomeDetails(stats.outcomes),
      processCpuUsPerOp: cpuPerUnit(stats, sizes.w3Ops),
      bucketsPerRedeem: round((consumed?.buckets ?? 0) / Math.max(1, consumed?.redeems ?? 0)),
      walBytesPerOp,
      seededMembers: members,
      seedMs: Math.round(seeded.elapsedMs),
    },
  };
}

/** i ↦ a member index 1…n, each exactly once for i < n (a stride coprime with n walks every residue). */
function permutation(n: number): (i: number) => number {
  let stride = Math.floor(n * 0.618) | 1;
  while (gcd(stride, n) !== 1) stride += 2;
  return (i) => 1 + ((i * stride) % n);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
