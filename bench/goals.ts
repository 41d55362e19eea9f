import type { BackendName } from './backend.js';
import type { BaselineId, BaselineResult, WorkloadId, WorkloadResult } from './context.js';

/**
 * PERFORMANCE.md §3: each goal is a ratio to a baseline measured in the same run (W7's re-run goal: to its
 * own first run). Native goals are
 * against B_ins(32); PGlite's (W13) against PGlite's own B_ins(1). W4 on PGlite has no speed goal (one
 * connection cannot contend), only its correctness checks.
 */
export interface Goal {
  workload: WorkloadId;
  baseline: BaselineId;
  factor: number;
  /** Largest acceptable p99 latency, where the workload has one. */
  p99MaxMs?: number;
  /** Largest acceptable re-run time of the same period, as a fraction of the first run (W7). */
  rerunMaxFactor?: number;
}

const goals: Record<BackendName, Goal[]> = {
  postgres: [
    { workload: 'W1', baseline: 'B_ins', factor: 0.5 },
    { workload: 'W2', baseline: 'B_ins', factor: 1.5, p99MaxMs: 25 },
    { workload: 'W3', baseline: 'B_ins', factor: 0.4 },
    { workload: 'W4', baseline: 'B_ins', factor: 0.25 },
    { workload: 'W7', baseline: 'B_bulk', factor: 0.25, rerunMaxFactor: 0.1 },
    { workload: 'W8', baseline: 'B_bulk', factor: 0.25 },
  ],
  pglite: [
    { workload: 'W1', baseline: 'B_ins', factor: 0.2 },
    { workload: 'W2', baseline: 'B_ins', factor: 2.0, p99MaxMs: 25 },
    { workload: 'W3', baseline: 'B_ins', factor: 0.3 },
    { workload: 'W7', baseline: 'B_bulk', factor: 0.25, rerunMaxFactor: 0.1 },
    { workload: 'W8', baseline: 'B_bulk', factor: 0.25 },
  ],
};

/** One line of the verdict: a speed goal (`performance`) or a count that must be zero (`correctness`). */
export interface Check {
  workload: WorkloadId | 'verify';
  kind: 'performance' | 'correctness';
  what: string;
  value: number;
  target: string;
  met: boolean;
  baseline?: { label: string; rate: number };
  ratio?: number;
}

export function evaluate(backend: BackendName, baselines: readonly BaselineResult[], result: WorkloadResult): Check[] {
  const checks: Check[] = [];
  const goal = goals[backend].find((g) => g.workload === result.id);
  const baseline = goal && baselines.find((b) => b.id === goal.baseline);
  if (goal && baseline) {
    const ratio = baseline.rate > 0 ? result.rate / baseline.rate : 0;
    checks.push({
      workload: result.id,
      kind: 'performance',
      what: result.unit,
      value: result.rate,
      target: `≥ ${goal.factor} × ${baseline.label}`,
      met: ratio >= goal.factor,
      baseline: { label: baseline.label, rate: baseline.rate },
      ratio,
    });
  }
  if (goal?.p99MaxMs !== undefined && result.latencyMs) {
    checks.push({
      workload: result.id,
      kind: 'performance',
      what: `p99 ${result.latencyOf ?? 'latency'} ms`,
      value: result.latencyMs.p99,
      target: `≤ ${goal.p99MaxMs} ms`,
      met: result.latencyMs.p99 <= goal.p99MaxMs,
    });
  }
  if (goal?.rerunMaxFactor !== undefined && result.rerunMs !== undefined) {
    const ratio = result.elapsedMs > 0 ? result.rerunMs / result.elapsedMs : 0;
    checks.push({
      workload: result.id,
      kind: 'performance',
      what: 're-run ms',
      value: result.rerunMs,
      target: `≤ ${goal.rerunMaxFactor} × first run`,
      met: ratio <= goal.rerunMaxFactor,
      baseline: { label: 'first run ms', rate: result.elapsedMs },
      ratio,
    });
  }
  for (const [what, value] of Object.entries(result.faults)) {
    checks.push({ workload: result.id, kind: 'correctness', what, value, target: '= 0', met: value === 0 });
  }
  return checks;
}
