import { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { assert } from '../errors.js';
import { liabilityPeriod, monthOf, type LiabilityPeriod } from './liability-period.js';
import * as sql from './sql.js';

/**
 * Points moved in a period, each net of its reversals, from the members' side: what came into
 * their available points (issued, adjusted when positive) or went out (redeemed, expired,
 * forfeited), and what went through pending (held, then confirmed into available or cancelled).
 */
export interface LiabilityFlows {
  /** Credited into available points (credits and confirmed holds), less the credits reversed. */
  issued: number;
  /** Spent (debits), less refunds. */
  redeemed: number;
  /** Breakage by expiry, less expired points a reversal took back. */
  expired: number;
  /** Taken all at once (FL-10), less forfeits reversed. */
  forfeited: number;
  /** Operators' adjustments, signed: credits less debits. */
  adjusted: number;
  held: number;
  confirmed: number;
  cancelled: number;
}

export interface LiabilityMonth extends LiabilityFlows {
  month: string;
  start: Temporal.Instant;
  end: Temporal.Instant;
  /** The month has ended: its figures never change (they count what was recorded before its end). */
  final: boolean;
  openingOutstanding: number;
  openingPending: number;
  /** Available points of every member at the month's end (or as of now in the current month). */
  outstanding: number;
  pending: number;
}

export interface Liability {
  asOf: Temporal.Instant;
  opening: { outstanding: number; pending: number };
  months: LiabilityMonth[];
  totals: LiabilityFlows;
  closing: { outstanding: number; pending: number };
  /** Points in buckets as of `asOf`, by the month (program zone) in which they expire, earliest first. */
  expiring: { month: string; points: number }[];
  neverExpiring: number;
}

export interface LiabilityRequest {
  programKey: string;
  timeZone: string;
  /** 'YYYY-MM', both inclusive. */
  from: string;
  to: string;
  now: Temporal.Instant;
}

interface FlowRow extends LiabilityFlows {
  bucket: number;
  available: number;
  pending: number;
  unclassified: number;
}

interface BucketRow {
  expires_at: Temporal.Instant | null;
  points: number;
}

/**
 * A program's points liability by month, computed from postings (never from cached balances):
 * opening and closing balances, the flows between them, and the points in buckets as of the end of
 * the last month by the month they expire. Months are the program zone's and transactions count in
 * the month they were recorded. Two statements in one read-only snapshot. Refuses (invalid_request)
 * a period that is reversed, longer than MAX_LIABILITY_MONTHS or not yet begun.
 */
export async function programLiability(db: Db, request: LiabilityRequest): Promise<Liability> {
  const period = liabilityPeriod(request.timeZone, request.from, request.to, request.now);
  const end = period.bounds.at(-1);
  assert(end, 'a period has bounds');
  const [flows, buckets] = await db.transaction(async (tx) => {
    // One snapshot for both statements, so a transaction committed in between counts in both or neither.
    // No JIT: compiling this plan costs seconds, more than running it (measured on 10^6 postings).
    // Hash tables of a month's transactions fit in memory instead of spilling in batches.
    await tx.exec(`set transaction isolation level repeatable read, read only; set local jit = off; set local work_mem = '64MB'`);
    const flowRows = await tx.query<FlowRow>(sql.liabilityFlows, [request.programKey, period.bounds.map(String)]);
    const bucketRows = await tx.query<BucketRow>(sql.liabilityBuckets, [request.programKey, end.toString()]);
    return [flowRows, bucketRows] as const;
  });
  return assemble(period, flows, buckets, request);
}

const flowNames = ['issued', 'redeemed', 'expired', 'forfeited', 'adjusted', 'held', 'confirmed', 'cancelled'] as const;

function flowsOf(row: LiabilityFlows | undefined): LiabilityFlows {
  const { issued = 0, redeemed = 0, expired = 0, forfeited = 0, adjusted = 0, held = 0, confirmed = 0, cancelled = 0 } = row ?? {};
  return { issued, redeemed, expired, forfeited, adjusted, held, confirmed, cancelled };
}

function assemble(period: LiabilityPeriod, rows: readonly FlowRow[], buckets: readonly BucketRow[], request: LiabilityRequest): Liability {
  const byBucket = new Map(rows.map((row) => [row.bucket, row]));
  for (const row of rows) assert(row.unclassified === 0, `every posting has a flow (bucket ${row.bucket}: ${row.unclassified} without)`);
  // Bucket 0 was recorded before the first month, n + 1 after the last (not reported).
  const opening = { outstanding: byBucket.get(0)?.available ?? 0, pending: byBucket.get(0)?.pending ?? 0 };
  let balance = opening;
  const months = period.months.map((span, i): LiabilityMonth => {
    const row = byBucket.get(i + 1);
    const flows = flowsOf(row);
    const closing = { outstanding: balance.outstanding + (row?.available ?? 0), pending: balance.pending + (row?.pending ?? 0) };
    // Each transaction's postings sum to zero, so the member side moves exactly as the flows say.
    assert(
      closing.outstanding === balance.outstanding + flows.issued - flows.redeemed - flows.expired - flows.forfeited + flows.adjusted,
      `available points of ${span.month} reconcile with its flows`,
    );
    assert(closing.pending === balance.pending + flows.held - flows.confirmed - flows.cancelled, `pending points of ${span.month} reconcile`);
    const month = {
      ...span,
      final: Temporal.Instant.compare(span.end, request.now) <= 0,
      openingOutstanding: balance.outstanding,
      openingPending: balance.pending,
      ...flows,
      ...closing,
    };
    balance = closing;
    return month;
  });
  const totals = flowsOf(undefined);
  for (const month of months) for (const name of flowNames) totals[name] += month[name];
  return { asOf: period.asOf, opening, months, totals, closing: balance, ...expiringByMonth(request.timeZone, buckets) };
}

/** Buckets summed by the program-zone month of their expiry instant; 'infinity' apart. */
function expiringByMonth(timeZone: string, buckets: readonly BucketRow[]): Pick<Liability, 'expiring' | 'neverExpiring'> {
  const byMonth = new Map<string, number>();
  let neverExpiring = 0;
  for (const bucket of buckets) {
    if (bucket.expires_at === null) {
      neverExpiring += bucket.points;
      continue;
    }
    const month = monthOf(timeZone, bucket.expires_at);
    byMonth.set(month, (byMonth.get(month) ?? 0) + bucket.points);
  }
  const expiring = [...byMonth].map(([month, points]) => ({ month, points }));
  // Rows come ordered by instant, so months are already in order; the sort states it.
  expiring.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  return { expiring, neverExpiring };
}
