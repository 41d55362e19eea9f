import { statement } from '../../src/db/index.js';
import { invariants, verifyLedger } from '../../src/ledger/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { median, perSecond, round, timed } from '../measure.js';

const postings = statement('bench.w12.postings', 'select count(*)::bigint as rows from ledger_postings');

/**
 * W12: `ledger verify` (`verifyLedger`: every invariant's query, one after the other) over the
 * postings as seeded, before any workload writes: the median of `w12Runs` runs, against B_scan, a
 * sequential scan of the same table measured just before. Any violation found is a fault.
 */
export async function verifySeededLedger(ctx: BenchContext): Promise<WorkloadResult> {
  const { db, sizes } = ctx;
  const [count] = await db.query<{ rows: number }>(postings);
  const rows = count?.rows ?? 0;
  const times: number[] = [];
  let violations = 0;
  for (let run = 0; run < sizes.w12Runs; run++) {
    const verified = await timed(() => verifyLedger(db));
    violations = Math.max(violations, verified.value.length);
    times.push(verified.elapsedMs);
  }
  const elapsedMs = median(times);
  return {
    id: 'W12',
    title: `ledger verify (${invariants.length} invariant queries) over ${rows.toLocaleString('en')} postings, median of ${sizes.w12Runs}`,
    rate: perSecond(rows, elapsedMs),
    unit: 'rows/s',
    count: rows,
    elapsedMs,
    faults: { violations },
    details: { verifyMs: round(elapsedMs), fastestMs: round(Math.min(...times)), slowestMs: round(Math.max(...times)) },
  };
}
