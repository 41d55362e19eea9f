import { writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import type { Violation } from '../src/ledger/index.js';
import type { BackendName } from './backend.js';
import type { BaselineResult, Sizes, WorkloadResult } from './context.js';
import type { Check } from './goals.js';

export interface Machine {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export interface BackendReport {
  backend: BackendName;
  serverVersion: string;
  location: string;
  sizes: Sizes;
  seedMs: number;
  /** os.loadavg()[0] when the backend's run started and ended: other work on the machine skews every figure. */
  loadAverage1m: { start: number; end: number };
  baselines: BaselineResult[];
  workloads: WorkloadResult[];
  checks: Check[];
  verify: { violations: Violation[]; elapsedMs: number };
}

export interface RunReport {
  startedAt: string;
  preset: 'quick' | 'default';
  machine: Machine;
  backends: BackendReport[];
  /** Every correctness check held and `verifyLedger` found nothing, on every backend. */
  passed: boolean;
  goalsMet: string;
}

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

export async function writeJson(path: string, report: RunReport): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

const int = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/** The report as plain-text tables, one per backend, then the verdict. */
export function formatReport(report: RunReport): string {
  const { machine } = report;
  const lines = [
    `Pointbook bench (${report.preset}) ${report.startedAt}`,
    `Machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`,
  ];
  for (const b of report.backends) lines.push('', ...formatBackend(b));
  lines.push('', `Goals met: ${report.goalsMet}. Correctness: ${report.passed ? 'PASSED' : 'FAILED'}.`);
  return lines.join('\n');
}

function formatBackend(b: BackendReport): string[] {
  const s = b.sizes;
  const lines = [
    `== ${b.backend}: ${b.serverVersion.split(' on ')[0] ?? b.serverVersion} (${b.location})`,
    `   sizes: members ${int.format(s.members)}, c=${s.concurrency}, B_ins ${int.format(s.insOps)}, B_bulk ${int.format(s.bulkRows)} rows, ` +
      `W1 ${int.format(s.w1Ops)}, W2 ${int.format(s.w2Ops)} (${s.w2Submitters} submitters, ${s.w2Writers} writer(s)), ` +
      `W3 ${int.format(s.w3Ops)}, W4 ${int.format(s.w4Ops)} (c=${s.w4Concurrency}), W7 ${int.format(s.w7Members)} members, ` +
      `W8 ${int.format(s.w8Lots)} buckets ` +
      `(${int.format(s.w8Chunk)} members/chunk), W5 ${int.format(s.w5Ops)}, W6 ${int.format(s.w6Events)} events, ` +
      `W9 ${int.format(s.w9Members)} members at ${int.format(s.w9Rate)} earns/s (${int.format(s.w9IdleOps)} idle), ` +
      `W10 ${int.format(s.w10Ops)}, W12 ×${s.w12Runs}, HTTP ${int.format(s.httpMembers)} members, ` +
      `${int.format(s.httpEarnOps)} earns, ${int.format(s.httpReadOps)} reads; zipf ${s.zipf}; seeding ${int.format(b.seedMs)} ms`,
    `   load average (1 min): ${b.loadAverage1m.start.toFixed(2)} at start, ${b.loadAverage1m.end.toFixed(2)} at end`,
  ];
  const rows: string[][] = [['', 'what', 'figure', 'baseline', 'ratio', 'goal', 'met', 'p50 / p99 ms']];
  for (const base of b.baselines) {
    rows.push([base.label, base.title, `${int.format(base.rate)} ${base.unit}`, '', '', '', '', latency(base.latencyMs)]);
    const details = Object.entries(base.details ?? {}).map(([k, v]) => `${k} ${int.format(v)}`);
    if (details.length > 0) rows.push(['', details.join(', '), '', '', '', '', '', '']);
  }
  for (const w of b.workloads) {
    const perf = b.checks.filter((c) => c.workload === w.id && c.kind !== 'correctness');
    // The main row: the first ratio, in its own unit (a rate, or a time or p99 in ms: W12, W9).
    const rate = perf.find((c) => c.ratio !== undefined);
    const inMs = rate !== undefined && rate.what !== w.unit;
    rows.push([
      w.id,
      w.title,
      inMs ? `${rate.what.startsWith('p99') ? 'p99 ' : ''}${ms(rate.value)} ms` : `${int.format(w.rate)} ${w.unit}`,
      rate?.baseline ? `${rate.baseline.label} ${inMs ? ms(rate.baseline.rate) : int.format(rate.baseline.rate)}` : '',
      rate?.ratio !== undefined ? ratioText(rate.ratio) : '',
      rate?.target ?? (perf.length > 0 ? '' : '(correctness only)'),
      rate ? verdict(rate) : '',
      latency(w.latencyMs, w.latencyOf),
    ]);
    for (const c of perf.filter((p) => p !== rate)) {
      const base = c.baseline ? `${c.baseline.label} ${ms(c.baseline.rate)}` : '';
      rows.push(['', c.what, ms(c.value), base, c.ratio !== undefined ? ratioText(c.ratio) : '', c.target, verdict(c), '']);
    }
    const faults = b.checks.filter((c) => c.workload === w.id && c.kind === 'correctness');
    rows.push([
      '',
      faults.map((c) => `${c.what} ${c.value}`).join(', '),
      '',
      '',
      '',
      'all = 0',
      yesNo(faults.every((c) => c.met)),
      '',
    ]);
    const details = Object.entries(w.details).map(([k, v]) => `${k} ${typeof v === 'number' && Number.isInteger(v) ? int.format(v) : v}`);
    if (details.length > 0) rows.push(['', details.join(', '), '', '', '', '', '', '']);
  }
  rows.push(['verify', `verifyLedger: ${b.verify.violations.length} violation(s) in ${int.format(b.verify.elapsedMs)} ms`, '', '', '', '= 0', yesNo(b.verify.violations.length === 0), '']);
  return [...lines, ...table(rows)];
}

function latency(l: { p50: number; p99: number } | undefined, of?: string): string {
  return l ? `${ms(l.p50)} / ${ms(l.p99)}${of ? ` (${of})` : ''}` : '';
}

/** Two decimals; two significant digits below 0.1 (a re-run is a small fraction of the first run). */
function ratioText(ratio: number): string {
  return ratio > 0 && ratio < 0.1 ? ratio.toPrecision(2) : dec.format(ratio);
}

/** `yes`/`NO` for a goal; a ratio reported without a goal has no verdict. */
function verdict(check: Check): string {
  return check.kind === 'reported' ? '—' : yesNo(check.met);
}

function yesNo(met: boolean): string {
  return met ? 'yes' : 'NO';
}

/** Left-aligned columns; a long "what" wraps into its own line rather than widening every row. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, col) => (col === 1 ? 64 : Math.max(...rows.map((r) => (r[col] ?? '').length)))) ?? [];
  const out: string[] = [];
  for (const row of rows) {
    const what = row[1] ?? '';
    const fits = what.length <= (widths[1] ?? 0);
    const cells = row.map((cell, col) => (col === 1 && !fits ? '' : cell).padEnd(widths[col] ?? 0));
    if (!fits) out.push(`${(row[0] ?? '').padEnd(widths[0] ?? 0)}  ${what}`);
    if (fits || row.slice(2).some((c) => c !== '')) out.push(cells.join('  ').trimEnd());
  }
  return out;
}
