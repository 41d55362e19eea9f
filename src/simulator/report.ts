import type { Check } from './expectations.js';
import { identityLabel, type Exchange } from './http.js';
import type { MailView } from './mail.js';
import { show } from './match.js';
import type { ScenarioResult, StepResult } from './run.js';

/**
 * What a run prints: `✔ name` for a scenario that passed; `✖ name` with the file, the steps that
 * ran, and for the failed step each request, the path of each mismatch and the actual answer.
 */

export interface ReportOptions {
  /** List every step of passing scenarios too. */
  verbose?: boolean;
}

const indent = (text: string, by: string) => text.split('\n').map((line) => `${by}${line}`).join('\n');

export function formatScenario(result: ScenarioResult, options: ReportOptions = {}): string {
  if (result.passed) {
    if (!options.verbose) return `✔ ${result.name}`;
    const seconds = `${(result.durationMs / 1000).toFixed(1)}s`;
    return [`✔ ${result.name}`, `    ${result.file}  (${seconds})`, ...result.steps.map((step) => `    ✔ ${stepHead(step)}`)].join('\n');
  }
  // A file that did not load is named by its path, which its problems repeat.
  const lines = [`✖ ${result.name}`, ...(result.name === result.file ? [] : [`    ${result.file}`])];
  lines.push(...result.problems.map((problem) => indent(problem, '    ')));
  for (const step of result.steps) {
    lines.push(`    ${step.passed ? '✔' : '✖'} ${stepHead(step)}`);
    if (!step.passed) lines.push(...failedStep(step).map((line) => `        ${line}`));
  }
  if (result.notRun > 0) lines.push(`    … ${result.notRun} more step${result.notRun === 1 ? '' : 's'} not run`);
  return lines.join('\n');
}

/** The last line of a run, alone: `3 passed, 1 failed`. */
export function formatSummary(results: readonly ScenarioResult[]): string {
  const passed = results.filter((result) => result.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

function stepHead(step: StepResult): string {
  // A repeat says how far it got: the i it failed at, or how many times it ran.
  const times = step.iteration !== undefined ? `, failed at i = ${step.iteration}` : step.ran !== undefined ? `, ${step.ran} times` : '';
  return `step ${step.number}: ${step.label}  (line ${step.line}${times})`;
}

function failedStep(step: StepResult): string[] {
  const lines = step.error === undefined ? [] : step.error.split('\n');
  for (const check of step.checks) lines.push(...checkLines(check));
  return lines;
}

/** A request (or mail) that matched is one line; one that did not shows each mismatch and what came back. */
function checkLines(check: Check): string[] {
  const { head, mismatches, actual } = describeCheck(check);
  if (actual === undefined) return [head];
  return [head, ...mismatches.map((m) => `  ${m.path}: ${m.message}`), `  actual: ${actual}`];
}

/** One check as the report shows it: its head line, and for a mismatch what came back (at most 2,000 characters). */
export function describeCheck(check: Check): { head: string; mismatches: Check['mismatches']; actual?: string } {
  const [head, actual] = 'mail' in check ? mailHead(check.mail) : exchangeHead(check.exchange);
  if (check.mismatches.length === 0) return { head, mismatches: [] };
  return { head, mismatches: check.mismatches, actual: show(actual, 2000) };
}

function exchangeHead({ request, status, body }: Exchange): [string, unknown] {
  const sent = request.body === undefined ? '' : ` ${show(request.body, 200)}`;
  return [`${request.method} ${request.path}${identityLabel(request.as)}${sent} → ${status}`, body];
}

function mailHead(mail: MailView): [string, unknown] {
  const { id: _id, ...shown } = mail;
  return [`mail to ${mail.to}: ${mail.template} ${show(mail.subject)}`, shown];
}
