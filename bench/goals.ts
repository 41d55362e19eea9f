import type { BackendName } from './backend.js';
import type { BaselineId, BaselineResult, WorkloadId, WorkloadResult } from './context.js';

/**
 * PERFORMANCE.md §3: each goal is a ratio to a baseline measured in the same run (W7's re-run goal: to its
 * own first run; W6's and the HTTP workloads': to a yardstick the workload measures itself, W9's: to its
 * own idle p99). Native goals are against B_ins(32); PGlite's (W13) against PGlite's own B_ins(1). W4
 * on PGlite has no speed goal (one connection cannot contend), only its correctness checks. A goal
 * marked `reportOnly` prints its ratio without judging it: PERFORMANCE.md sets none for it there
 * (the HTTP layer's ratio everywhere; W5 and W9 on PGlite, decision 73).
 */
export interface Goal {
  workload: WorkloadId;
  /** A same-run baseline, or `reference`: the workload's own (W6's first pass, an HTTP workload's in-process twin). */
  baseline?: BaselineId | 'reference';
  /** Smallest acceptable rate as a multiple of the baseline's. */
  factor?: number;
  /** Largest acceptable p99 latency, where the workload has one. */
  p99MaxMs?: number;
  /** Largest acceptable p99 as a multiple of the workload's reference p99 (W9: the same earns, idle). */
  p99MaxFactor?: number;
  /** Largest acceptable re-run time of the same period, as a fraction of the first run (W7). */
  rerunMaxFactor?: number;
  /** Largest acceptable wall time as a multiple of the baseline's (W12: verify against one scan). */
  timeMaxFactor?: number;
  /** Print the ratios, judge nothing. */
  reportOnly?: boolean;
}

const goals: Record<BackendName, Goal[]> = {
  postgres: [
    { workload: 'W1', baseline: 'B_ins', factor: 0.5 },
    { workload: 'W2', baseline: 'B_ins', factor: 1.5, p99MaxMs: 25 },
    { workload: 'W3', baseline: 'B_ins', factor: 0.4 },
    { workload: 'W4', baseline: 'B_ins', factor: 0.25 },
    { workload: 'W5', baseline: 'B_ins', factor: 0.45 },
    { workload: 'W6', baseline: 'reference', factor: 2 },
    { workload: 'W7', baseline: 'B_bulk', factor: 0.25, rerunMaxFactor: 0.1 },
    { workload: 'W8', baseline: 'B_bulk', factor: 0.25 },
    { workload: 'W9', p99MaxFactor: 3 },
    { workload: 'W10', baseline: 'B_rtt', factor: 0.8, p99MaxMs: 2 },
    { workload: 'W12', baseline: 'B_scan', timeMaxFactor: 3 },
    { workload: 'W1-HTTP', baseline: 'reference', reportOnly: true },
    { workload: 'W10-HTTP', baseline: 'reference', reportOnly: true },
  ],
  pglite: [
    { workload: 'W1', baseline: 'B_ins', factor: 0.2 },
    { workload: 'W2', baseline: 'B_ins', factor: 2.0, p99MaxMs: 25 },
    { workload: 'W3', baseline: 'B_ins', factor: 0.3 },
    { workload: 'W5', baseline: 'B_ins', reportOnly: true },
    { workload: 'W6', baseline: 'reference', factor: 2 },
    { workload: 'W7', baseline: 'B_bulk', factor: 0.25, rerunMaxFactor: 0.1 },
    { workload: 'W8', baseline: 'B_bulk', factor: 0.25 },
    { workload: 'W9', p99MaxFactor: 3, reportOnly: true },
    { workload: 'W10', baseline: 'B_rtt', factor: 0.8, p99MaxMs: 2 },
    { workload: 'W12', baseline: 'B_scan', timeMaxFactor: 3 },
    { workload: 'W1-HTTP', baseline: 'reference', reportOnly: true },
    { workload: 'W10-HTTP', baseline: 'reference', reportOnly: true },
  ],
};

/**
 * One line of the verdict: a speed goal (`performance`), a ratio printed without a goal (`reported`),
 * or a count that must be zero (`correctness`).
 */
export interface Check {
  workload: WorkloadId | 'verify';
  kind: 'performance' | 'reported' | 'correctness';
  /** The unit of `value`: the workload's rate unit, `ms`, `p99 … ms`, `re-run ms`, or a fault's name. */
  what: string;
  value: number;
  target: string;
  met: boolean;
  baseline?: { label: string; rate: number };
  ratio?: number;
}

type Yardstick = { label: string; rate: number; elapsedMs?: number };

export function evaluate(backend: BackendName, baselines: readonly BaselineResult[], result: WorkloadResult): Check[] {
  const checks: Check[] = [];
  const goal = goals[backend].find((g) => g.workload === result.id);
  const judged = (ok: boolean) => (goal?.reportOnly ? { kind: 'reported' as const, met: true } : { kind: 'performance' as const, met: ok });
  const yardstick: Yardstick | undefined =
    goal?.baseline === 'reference' ? result.reference : baselines.find((b) => b.id === goal?.baseline);
  if (goal && yardstick && goal.timeMaxFactor === undefined) {
    const ratio = yardstick.rate > 0 ? result.rate / yardstick.rate : 0;
    checks.push({
      workload: result.id,
      what: result.unit,
      value: result.rate,
      target: goal.factor === undefined || goal.reportOnly ? '(reported)' : `≥ ${goal.factor} × ${yardstick.label}`,
      ...judged(goal.factor === undefined || ratio >= goal.factor),
      baseline: { label: yardstick.label, rate: yardstick.rate },
      ratio,
    });
  }
  if (goal?.timeMaxFactor !== undefined && yardstick?.elapsedMs !== undefined) {
    const ratio = yardstick.elapsedMs > 0 ? result.elapsedMs / yardstick.elapsedMs : 0;
    checks.push({
      workload: result.id,
      what: 'ms',
      value: result.elapsedMs,
      target: `≤ ${goal.timeMaxFactor} × ${yardstick.label} time`,
      ...judged(ratio <= goal.timeMaxFactor),
      baseline: { label: `${yardstick.label} ms`, rate: yardstick.elapsedMs },
      ratio,
    });
  }
  if (goal?.p99MaxFactor !== undefined && result.latencyMs && result.referenceP99Ms) {
    const reference = result.referenceP99Ms;
    const ratio = reference.p99 > 0 ? result.latencyMs.p99 / reference.p99 : 0;
    checks.push({
      workload: result.id,
      what: `p99 ${result.latencyOf ?? 'latency'} ms`,
      value: result.latencyMs.p99,
      target: goal.reportOnly ? '(reported)' : `≤ ${goal.p99MaxFactor} × ${reference.label}`,
      ...judged(ratio <= goal.p99MaxFactor),
      baseline: { label: reference.label, rate: reference.p99 },
      ratio,
    });
  }
  if (goal?.p99MaxMs !== undefined && result.latencyMs) {
    checks.push({
      workload: result.id,
      what: `p99 ${result.latencyOf ?? 'latency'} ms`,
      value: result.latencyMs.p99,
      target: `≤ ${goal.p99MaxMs} ms`,
      ...judged(result.latencyMs.p99 <= goal.p99MaxMs),
    });
  }
  if (goal?.rerunMaxFactor !== undefined && result.rerunMs !== undefined) {
    const ratio = result.elapsedMs > 0 ? result.rerunMs / result.elapsedMs : 0;
    checks.push({
      workload: result.id,
      what: 're-run ms',
      value: result.rerunMs,
      target: `≤ ${goal.rerunMaxFactor} × first run`,
      ...judged(ratio <= goal.rerunMaxFactor),
      baseline: { label: 'first run ms', rate: result.elapsedMs },
      ratio,
    });
  }
  for (const [what, value] of Object.entries(result.faults)) {
    checks.push({ workload: result.id, kind: 'correctness', what, value, target: '= 0', met: value === 0 });
  }
  return checks;
}
