import { performance } from 'node:perf_hooks';

/** What a closed-loop run did: its wall time, one latency per successful call, outcomes by label. */
export interface RunStats {
  elapsedMs: number;
  /** Milliseconds per successful call, in completion order. */
  latenciesMs: Float64Array;
  /** How many calls ended with each label: the label the call returned, or `error:<code>`. */
  outcomes: Map<string, number>;
  /** CPU this Node process used during the timed calls (user + system), in ms: the client's share (all of PGlite's). */
  processCpuMs: number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface RunOptions {
  /** Untimed calls first (indexes below `warmup`), to open connections and prepare statements. */
  warmup?: number;
  /** Runs after the warmup, just before the clock starts (reset counters, read the WAL position). */
  beforeTiming?: () => Promise<void> | void;
}

/**
 * Runs `call(warmup) … call(warmup + total - 1)` from `concurrency` workers, each starting its next
 * call as soon as the previous one ends (closed loop). A thrown error is counted under
 * `error:<SQLSTATE or name>` and the run goes on, so a workload reports deadlocks instead of dying.
 */
export async function runConcurrent(
  concurrency: number,
  total: number,
  call: (index: number) => Promise<string>,
  options: RunOptions = {},
): Promise<RunStats> {
  const warmup = options.warmup ?? 0;
  if (warmup > 0) await closedLoop(concurrency, 0, warmup, call);
  await options.beforeTiming?.();
  return closedLoop(concurrency, warmup, warmup + total, call);
}

async function closedLoop(
  concurrency: number,
  from: number,
  to: number,
  call: (index: number) => Promise<string>,
): Promise<RunStats> {
  const latenciesMs = new Float64Array(to - from);
  const outcomes = new Map<string, number>();
  let next = from;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const index = next++;
      const started = performance.now();
      let outcome: string;
      try {
        outcome = await call(index);
        latenciesMs[done++] = performance.now() - started;
      } catch (error) {
        outcome = `error:${errorCode(error)}`;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, to - from)) }, worker));
  const used = process.cpuUsage(cpu);
  return {
    elapsedMs: performance.now() - started,
    latenciesMs: latenciesMs.subarray(0, done),
    outcomes,
    processCpuMs: (used.user + used.system) / 1000,
  };
}

export interface PacedOptions {
  /** Stop after this many calls. */
  count?: number;
  /**
   * Or send every call due before this settles (at least one). Calls that fell due while the event
   * loop was held up (PGlite runs each statement on this thread) are sent late, when it frees, and
   * their latency counts from when they were due.
   */
  until?: Promise<unknown>;
}

/**
 * Open loop: call i is due at start + i / ratePerSecond whether or not earlier calls have answered,
 * and its latency counts from when it was due. A stall (a lock, a busy event loop, PGlite running
 * another statement) then shows in full: a closed loop would send fewer calls during it and hide
 * it (coordinated omission). Calls already due are sent at once when the loop gets to run.
 */
export async function runPaced(
  ratePerSecond: number,
  call: (index: number) => Promise<string>,
  options: PacedOptions,
): Promise<RunStats> {
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  const count = (label: string) => outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
  const inFlight = new Set<Promise<void>>();
  let stoppedAt = Number.POSITIVE_INFINITY;
  const stop = () => (stoppedAt = performance.now());
  options.until?.then(stop, stop);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let index = 0; options.count === undefined || index < options.count; ) {
    const due = started + (index * 1000) / ratePerSecond;
    if (due >= stoppedAt && index > 0) break;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      continue;
    }
    const sent = call(index).then(
      (outcome) => {
        latencies.push(performance.now() - due);
        count(outcome);
      },
      (error: unknown) => {
        count(`error:${errorCode(error)}`);
      },
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    index += 1;
  }
  await Promise.all(inFlight);
  const used = process.cpuUsage(cpu);
  return {
    elapsedMs: performance.now() - started,
    latenciesMs: Float64Array.from(latencies),
    outcomes,
    processCpuMs: (used.user + used.system) / 1000,
  };
}

/** Nearest-rank percentiles; zeros when nothing was measured. */
export function summarize(latenciesMs: Float64Array): LatencySummary {
  if (latenciesMs.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** The middle value (the lower of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/** Calls that threw, whatever the code. */
export function errorCount(outcomes: Map<string, number>): number {
  let errors = 0;
  for (const [label, count] of outcomes) if (label.startsWith('error:')) errors += count;
  return errors;
}

/** SQLSTATE 40P01: the server broke a lock cycle by killing one transaction. */
export const DEADLOCK = 'error:40P01';

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (error instanceof Error) return error.name;
  }
  return 'unknown';
}

/** Times one async step. */
export async function timed<T>(step: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await step();
  return { value, elapsedMs: performance.now() - started };
}

/** Microseconds of this process's CPU per unit of work. */
export function cpuPerUnit(stats: RunStats, count: number): number {
  return Math.round((stats.processCpuMs * 1000) / Math.max(1, count));
}

/** Two decimals, for the report. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
