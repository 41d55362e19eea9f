import type { Db } from '../src/db/index.js';
import type { BackendName } from './backend.js';
import type { LatencySummary } from './measure.js';

/** How much work each phase does on one backend; every figure can be set by flag or environment. */
export interface Sizes {
  /** Accounts with no points that W1 and W2 earn into. */
  members: number;
  /** Concurrent connections (callers) for B_ins, W1 and W3: 32 natively, 1 on PGlite. */
  concurrency: number;
  /** Timed single-row INSERTs for B_ins(concurrency). */
  insOps: number;
  /** Rows for B_bulk. */
  bulkRows: number;
  w1Ops: number;
  w2Ops: number;
  /** Closed-loop callers of `submit`; each batch holds about submitters / writers operations. */
  w2Submitters: number;
  /** Writer queues (each one connection's worth of serial batches). */
  w2Writers: number;
  w3Ops: number;
  w4Ops: number;
  /** Concurrent redeemers of the 10 hot members. */
  w4Concurrency: number;
  /** Members granted FL-2's monthly points by W7 (one contract each). */
  w7Members: number;
  /** Due buckets to expire (two per member). */
  w8Lots: number;
  /** Members per `expireDueChunk` call. */
  w8Chunk: number;
  /** Zipf exponent of the member chosen by W1 and W2 (0: uniform). */
  zipf: number;
  /** Operations of the mixed workload (W5), `concurrency` callers. */
  w5Ops: number;
  /** Distinct events of the replay storm (W6), each sent three times: first pass, second pass, and a race. */
  w6Events: number;
  /** Members granted by the monthly grant that runs under W9's online earns. */
  w9Members: number;
  /** Online earns per second (open loop) during W9, idle and under the grant. */
  w9Rate: number;
  /** Online earns of W9's idle phase (its duration is w9IdleOps / w9Rate). */
  w9IdleOps: number;
  /** Balance reads of W10 (and SELECT 1 round trips of B_rtt). */
  w10Ops: number;
  /** Timed repetitions of W12's verify and of its scan (the median is reported). */
  w12Runs: number;
  /** Members enrolled in sony-rewards (member rows, 1–3 buckets each) for the HTTP workloads. */
  httpMembers: number;
  /** Earn events of W1-HTTP, and as many in-process. */
  httpEarnOps: number;
  /** Balance reads of W10-HTTP, and as many in-process. */
  httpReadOps: number;
}

export interface BenchContext {
  db: Db;
  backend: BackendName;
  sizes: Sizes;
  /** Distinguishes this run's idempotency keys. */
  runId: string;
  /** Analyze (and checkpoint on PostgreSQL) between seeding and timing. */
  settle(): Promise<void>;
}

export type Unit = 'ops/s' | 'rows/s' | 'members/s';

/** An absolute figure: `count` units of work in `elapsedMs`. */
export interface Figure {
  rate: number;
  unit: Unit;
  count: number;
  elapsedMs: number;
}

export type BaselineId = 'B_ins' | 'B_bulk' | 'B_rtt' | 'B_scan';

export interface BaselineResult extends Figure {
  id: BaselineId;
  /** How the report names it, e.g. `B_ins(32)`. */
  label: string;
  title: string;
  latencyMs?: LatencySummary;
  details?: Record<string, number>;
}

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W8' | 'W9' | 'W10' | 'W12' | 'W1-HTTP' | 'W10-HTTP';

export interface WorkloadResult extends Figure {
  id: WorkloadId;
  title: string;
  latencyMs?: LatencySummary;
  /** What one latency sample measures: one call, submit→result, one chunk. */
  latencyOf?: string;
  /** W7: wall time of a re-run of the same period, which must find it done. */
  rerunMs?: number;
  /**
   * A yardstick the workload measures itself, in the same run: W6's first pass (W1's shape), the
   * HTTP workloads' in-process twin. Its rate is in the workload's unit.
   */
  reference?: { label: string; rate: number };
  /** W9: the p99 the latency goal is a multiple of (the same online earns with nothing else running). */
  referenceP99Ms?: { label: string; p99: number };
  /** Counts that must be zero for the run to pass: errors, deadlocks, overdrafts, lost updates. */
  faults: Record<string, number>;
  /** Everything else worth reading: refusals, batches, seeding time, sizes. */
  details: Record<string, number | string>;
}
