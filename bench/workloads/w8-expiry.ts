import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { expireDueChunk } from '../../src/ledger/index.js';
import { walMeter } from '../backend.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { perSecond, round, summarize, timed } from '../measure.js';
import { daysAfter, seedCreditedMembers } from '../seed.js';

const BUCKETS_PER_MEMBER = 2;

const dueLeft = statement('bench.w8.dueLeft', `
  select count(*)::int as buckets from ledger_lots where remaining > 0 and expires_at <= $1::timestamptz`);

/**
 * W8: the nightly expiry. Seeds `w8Lots` buckets (two per member, due in one and two days) with
 * set-based SQL, then times `expireDueChunk` over `w8Chunk` members at a time, as of three days on,
 * until nothing is due. Every other workload's buckets expire in a year or more, so only these are due.
 */
export async function expireDueBuckets(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes } = ctx;
  const now = Temporal.Now.instant();
  const members = Math.ceil(sizes.w8Lots / BUCKETS_PER_MEMBER);
  const buckets = [
    { points: 100, expiresAt: daysAfter(now, 1) },
    { points: 50, expiresAt: daysAfter(now, 2) },
  ];
  const seeded = await timed(() => seedCreditedMembers(db, 'w8', members, buckets, now));
  await ctx.settle();

  const asOf = daysAfter(now, 3);
  const chunkMs: number[] = [];
  let expired = 0;
  let after: string | undefined;
  const wal = walMeter(db);
  await wal.start();
  const run = await timed(async () => {
    for (;;) {
      const chunk = await timed(() => expireDueChunk(db, asOf, after, sizes.w8Chunk));
      if (chunk.value.members === 0) break;
      chunkMs.push(chunk.elapsedMs);
      expired += chunk.value.buckets;
      after = chunk.value.lastMember;
    }
  });
  const walBytesPerBucket = await wal.perUnit(expired);
  const [left] = await db.query<{ buckets: number }>(dueLeft, [asOf.toString()]);
  const lots = members * BUCKETS_PER_MEMBER;
  return {
    id: 'W8',
    title: `expiry via expireDueChunk, ${sizes.w8Chunk.toLocaleString('en')} members per chunk`,
    rate: perSecond(expired, run.elapsedMs),
    unit: 'rows/s',
    count: expired,
    elapsedMs: run.elapsedMs,
    latencyMs: summarize(Float64Array.from(chunkMs)),
    latencyOf: 'chunk',
    faults: { bucketsLeftDue: left?.buckets ?? -1, bucketsMissed: Math.abs(lots - expired) },
    details: {
      seededBuckets: lots,
      seededMembers: members,
      seedMs: Math.round(seeded.elapsedMs),
      seedRowsPerSecond: round(perSecond(members * (1 + BUCKETS_PER_MEMBER * 5), seeded.elapsedMs)),
      chunks: chunkMs.length,
      walBytesPerBucket,
    },
  };
}
