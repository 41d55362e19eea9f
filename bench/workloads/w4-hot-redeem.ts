import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { applyOperations } from '../../src/ledger/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { cpuPerUnit, perSecond, runConcurrent, summarize } from '../measure.js';
import { seededRandom } from '../random.js';
import { earnExpiries, memberId, seedCreditedMembers } from '../seed.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

const HOT_MEMBERS = 10;
/** Redeems ask for 1–9 points: 5 on average. */
const MEAN_POINTS = 5;
/** Members hold 90 % of what will be asked of them, so the last redeems are refused: the guard is exercised. */
const COVERED = 0.9;

const hotBalances = statement('bench.w4.balances', `
  select member_id, available from ledger_accounts where starts_with(member_id, 'mbr_w4_') order by member_id`);

/**
 * W4: hot members. 10 members, `w4Concurrency` concurrent redeems picking among them at random, so
 * every call queues on a member lock. Correctness is the point: no balance may go negative
 * (overdraft), each balance must equal what was seeded minus what the `created` results took (no lost
 * update), and no call may fail (deadlock or error). `verifyLedger` at the end of the run proves the rest.
 */
export async function redeemHotMembers(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes, runId } = ctx;
  const warmup = sizes.w4Concurrency * 2;
  const demandPerMember = ((sizes.w4Ops + warmup) / HOT_MEMBERS) * MEAN_POINTS;
  const bucketPoints = Math.ceil((demandPerMember * COVERED) / 3);
  const buckets = earnExpiries(Temporal.Now.instant()).map((expiresAt) => ({ points: bucketPoints, expiresAt }));
  const seeded = await seedCreditedMembers(db, 'w4', HOT_MEMBERS, buckets, Temporal.Now.instant());
  await ctx.settle();

  const random = seededRandom(4);
  const taken = new Map<string, number>();
  const stats = await runConcurrent(
    sizes.w4Concurrency,
    sizes.w4Ops,
    async (i) => {
      const member = memberId('w4', 1 + Math.floor(random() * HOT_MEMBERS));
      const [result] = await applyOperations(
        db,
        [{ op: 'debit', member, key: `w4:${runId}:${i}`, kind: 'redeem', points: 1 + (i % 9), actor: 'member:bench' }],
        Temporal.Now.instant(),
      );
      if (result?.status === 'created') taken.set(member, (taken.get(member) ?? 0) + (result.points ?? 0));
      return result?.status ?? 'missing';
    },
    { warmup },
  );

  const balances = await db.query<{ member_id: string; available: number }>(hotBalances);
  const overdrafts = balances.filter((b) => b.available < 0).length;
  const lostUpdates = balances.filter((b) => b.available !== seeded - (taken.get(b.member_id) ?? 0)).length;
  return {
    id: 'W4',
    title: `redeem, ${HOT_MEMBERS} hot members, ${sizes.w4Concurrency} concurrent`,
    rate: perSecond(sizes.w4Ops, stats.elapsedMs),
    unit: 'ops/s',
    count: sizes.w4Ops,
    elapsedMs: stats.elapsedMs,
    latencyMs: summarize(stats.latenciesMs),
    latencyOf: 'call',
    faults: { ...faultsFrom(stats.outcomes, ['created', 'insufficient_points']), overdrafts, lostUpdates },
    details: { ...outcomeDetails(stats.outcomes), processCpuUsPerOp: cpuPerUnit(stats, sizes.w4Ops), seededPointsPerMember: seeded },
  };
}
