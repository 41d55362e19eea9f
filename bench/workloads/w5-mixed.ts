import { Temporal } from 'temporal-polyfill';
import { applyOperations, getBalance, type LedgerOp } from '../../src/ledger/index.js';
import { walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, runConcurrent, summarize, timed } from '../measure.js';
import { memberPicker, seededRandom } from '../random.js';
import { earnExpiries, memberId, seedCreditedMembers } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

type Kind = 'earn' | 'redeem' | 'return' | 'cancel' | 'forfeit' | 'read';

/** PERFORMANCE.md's mix per 200 operations (cancel/forfeit's 5 % split evenly between the two). */
const MIX: readonly [Kind, number][] = [
  ['earn', 140],
  ['redeem', 30],
  ['return', 10],
  ['cancel', 5],
  ['forfeit', 5],
  ['read', 10],
];

interface Step {
  kind: Kind;
  /** 1-based: the n-th operation of its kind, which is also its member's index in the kind's group. */
  n: number;
}

/** Each block of 200 holds the exact mix, shuffled with a fixed seed, so two runs send the same sequence. */
function plan(total: number): { steps: Step[]; counts: Record<Kind, number> } {
  const random = seededRandom(5);
  const counts: Record<Kind, number> = { earn: 0, redeem: 0, return: 0, cancel: 0, forfeit: 0, read: 0 };
  const steps: Step[] = [];
  while (steps.length < total) {
    const block = MIX.flatMap(([kind, n]) => Array<Kind>(n).fill(kind));
    for (let i = block.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [block[i], block[j]] = [block[j] as Kind, block[i] as Kind];
    }
    for (const kind of block.slice(0, total - steps.length)) steps.push({ kind, n: ++counts[kind] });
  }
  return { steps, counts };
}

/** The seeded credit a return reverses: bench/seed.ts names the k-th bucket's credit `txn_seed_<group>_<k>`. */
const RETURNED_CREDIT = 'txn_seed_w5t_1';
const EXPECTED = ['earn:created', 'redeem:created', 'return:created', 'cancel:created', 'forfeit:created', 'read:ok'];

/**
 * W5: the mixed workload, one `ledger_apply` (or one balance read) per call from `concurrency`
 * callers: 70 % earn (W1's credit to a seeded member), 15 % redeem (W3's debit across 2–3 buckets),
 * 5 % return (a partial reversal of an earlier credit, as order.returned takes points back), 2.5 %
 * cancel (of an open hold, as order.cancelled does) and 2.5 % forfeit (FL-10), 5 % balance read.
 * Redeems, returns, cancels and forfeits each have members of their own, one operation per
 * member, so every operation has one right answer (`created`) whatever order the callers reach
 * them in: a wrong status is a fault, not noise. Earns and reads pick among the seeded members.
 */
export async function mixedWorkload(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const warmup = sizes.concurrency * 4;
  const { steps, counts } = plan(warmup + sizes.w5Ops);
  const now = Temporal.Now.instant();
  const expiries = earnExpiries(now);
  const holds: string[] = [];
  const seeded = await timed(async () => {
    const threeBuckets = expiries.map((expiresAt) => ({ points: 100, expiresAt }));
    const oneBucket = threeBuckets.slice(0, 1);
    await seedCreditedMembers(db, 'w5r', counts.redeem, threeBuckets, now);
    await seedCreditedMembers(db, 'w5t', counts.return, oneBucket, now);
    await seedCreditedMembers(db, 'w5f', counts.forfeit, threeBuckets, now, true);
    await seedCreditedMembers(db, 'w5h', counts.cancel, oneBucket, now);
    // Holds (pending points of orders not yet shipped) through the ledger, 1,000 per call.
    for (let from = 1; from <= counts.cancel; from += 1000) {
      const ops: LedgerOp[] = [];
      for (let n = from; n < Math.min(counts.cancel + 1, from + 1000); n++) {
        ops.push({ op: 'hold', member: memberId('w5h', n), key: `w5:hold:${runId}:${n}`, kind: 'earn', points: 50, expiresAt: expiries[0], actor: 'upstream:bench' });
      }
      for (const result of await applyOperations(db, ops, now)) {
        if (result.status !== 'created' || !result.transactionId) throw new Error(`W5: a hold was refused: ${JSON.stringify(result)}`);
        holds.push(result.transactionId);
      }
    }
  });
  await ctx.settle();

  const pick = memberPicker(sizes.members, sizes.zipf, 5);
  const operation = (i: number, { kind, n }: Step): LedgerOp => {
    const common = { key: `w5:${runId}:${i}`, actor: 'upstream:bench' };
    switch (kind) {
      case 'earn':
        return { ...common, op: 'credit', member: memberId('bg', pick()), kind: 'earn', points: 10 + (i % 90), expiresAt: expiries[i % expiries.length] };
      case 'redeem':
        return { ...common, op: 'debit', member: memberId('w5r', n), kind: 'redeem', points: 150 + (i % 101), actor: 'member:bench' };
      case 'return':
        return { ...common, op: 'reverse', member: memberId('w5t', n), kind: 'earn_reversed', transaction: RETURNED_CREDIT, points: 40 };
      case 'cancel':
        return { ...common, op: 'cancel', member: memberId('w5h', n), kind: 'earn_cancelled', transaction: holds[n - 1] ?? 'missing' };
      case 'forfeit':
        return { ...common, op: 'forfeit', member: memberId('w5f', n), kind: 'forfeit', actor: 'job:bench' };
      case 'read':
        throw new Error('a read is not a ledger operation');
    }
  };

  const wal = walMeter(db);
  const stats = await runConcurrent(
    sizes.concurrency,
    sizes.w5Ops,
    async (i) => {
      const step = steps[i];
      if (!step) throw new Error(`W5: no step ${i}`);
      if (step.kind === 'read') {
        const balance = await getBalance(db, memberId('bg', pick()), Temporal.Now.instant());
        return balance ? 'read:ok' : 'read:missing';
      }
      const [result] = await applyOperations(db, [operation(i, step)], Temporal.Now.instant());
      return `${step.kind}:${result?.status ?? 'missing'}`;
    },
    { warmup, beforeTiming: wal.start },
  );
  const walBytesPerOp = await wal.perUnit(sizes.w5Ops);
  return {
    id: 'W5',
    title: `mixed: 70 % earn, 15 % redeem, 5 % return, 5 % cancel/forfeit, 5 % balance read, ${sizes.concurrency} concurrent`,
    rate: perSecond(sizes.w5Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w5Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    latencyOf: 'call',
    faults: faultsFrom(stats.outcomes, EXPECTED),
    details: {
      ...outcomeDetails(stats.outcomes),
      processCpuUsPerOp: cpuPerUnit(stats, sizes.w5Ops),
      walBytesPerOp,
      seedMs: Math.round(seeded.elapsedMs),
      zipf: sizes.zipf,
    },
  };
}
