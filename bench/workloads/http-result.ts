import type { WorkloadResult } from '../context.js';
import type { Compared } from '../http-app.js';
import { cpuPerUnit, perSecond, round, summarize } from '../measure.js';
import { faultsFrom, outcomeDetails } from './outcomes.js';

export interface HttpComparison {
  id: 'W1-HTTP' | 'W10-HTTP';
  title: string;
  compared: Compared;
  /** Calls timed on each side. */
  calls: number;
  /** What the in-process twin calls, as the report names the reference. */
  twin: string;
  /** The outcomes every call must have, on both sides. */
  expected: readonly string[];
  members: number;
  seedMs: number;
}

/** The HTTP side as the figure, the in-process twin as its same-run reference; a wrong outcome on either side is a fault. */
export function httpResult({ id, title, compared: { inProcess, http }, calls, twin, expected, members, seedMs }: HttpComparison): WorkloadResult {
  const faults: Record<string, number> = {};
  for (const outcomes of [inProcess.outcomes, http.outcomes]) {
    for (const [what, n] of Object.entries(faultsFrom(outcomes, expected))) faults[what] = (faults[what] ?? 0) + n;
  }
  const inProcessLatency = summarize(inProcess.latenciesMs);
  const prefixed = (prefix: string, outcomes: Map<string, number>) =>
    Object.fromEntries(Object.entries(outcomeDetails(outcomes)).map(([k, v]) => [`${prefix}.${k}`, v]));
  return {
    id,
    title,
    rate: perSecond(calls, http.elapsedMs),
    unit: 'ops/s',
    count: calls,
    elapsedMs: http.elapsedMs,
    latencyMs: summarize(http.latenciesMs),
    latencyOf: 'request',
    reference: { label: twin, rate: perSecond(calls, inProcess.elapsedMs) },
    faults,
    details: {
      ...prefixed('http', http.outcomes),
      ...prefixed('inProcess', inProcess.outcomes),
      inProcessP50Ms: round(inProcessLatency.p50),
      inProcessP99Ms: round(inProcessLatency.p99),
      // Server and client share this process: the HTTP side's CPU includes fetch's.
      processCpuUsPerRequest: cpuPerUnit(http, calls),
      processCpuUsPerInProcessCall: cpuPerUnit(inProcess, calls),
      members,
      seedMs,
    },
  };
}
