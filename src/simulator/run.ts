import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import { formatProblem, ProgramLoadError, type Program } from '../programs/index.js';
import { checkBalance, checkMail, checkResponse, checkTransactions, type Check } from './expectations.js';
import { send, type Exchange } from './http.js';
import { loadScenarioFile, ScenarioLoadError } from './load.js';
import { readMail } from './mail.js';
import type { RepeatStepData, Scenario, SingleStep, Step } from './schema.js';
import { describeStep, rememberMember, rememberValues, requestFor, type StepContext } from './steps.js';
import { SubstitutionError, substituteText } from './substitute.js';
import { createWorld, type World } from './world.js';

export interface StepResult {
  number: number;
  line: number;
  /** The step's title, or what it does. */
  label: string;
  passed: boolean;
  /** The step's own request, then one per state check, each with what did not match. */
  checks: Check[];
  /** Why the step could not be sent, such as a `{name}` nobody remembered. */
  error?: string;
  /** For a repeat that failed: the `i` it failed at (its checks are that time's). */
  iteration?: number;
  /** For a repeat: how many times its step ran. */
  ran?: number;
}

export interface ScenarioResult {
  file: string;
  /** The scenario's name; its file when it did not load. */
  name: string;
  passed: boolean;
  /** The steps that ran; a run stops at the first failed step, since later ones build on it. */
  steps: StepResult[];
  notRun: number;
  /** Why the scenario could not run at all: its file's problems, its programs', or a fault. */
  problems: string[];
  durationMs: number;
}

export interface RunOptions {
  /** Where programs are loaded from when the scenario does not say. */
  programsDir: string;
  /** Programs already loaded, used instead of `programsDir` (a server runs scenarios on its own). */
  programs?: readonly Program[] | undefined;
  /**
   * Ends the run before its next step (or the next time of a repeat) once aborted: a scenario sent
   * to a server has a time limit. The step under way finishes; the rest are reported not run.
   */
  signal?: AbortSignal | undefined;
  /** Keep webhook deliveries in the outbox (createWorld's `holdWebhooks`). */
  holdWebhooks?: boolean | undefined;
}

/** Loads and runs one file. Never throws: whatever goes wrong is this scenario's failure, and the next one runs. */
export async function runScenarioFile(file: string, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const failed = (problems: string[]): ScenarioResult => ({
    file,
    name: file,
    passed: false,
    steps: [],
    notRun: 0,
    problems,
    durationMs: performance.now() - started,
  });
  let scenario: Scenario;
  try {
    scenario = loadScenarioFile(file);
  } catch (error) {
    if (error instanceof ScenarioLoadError) return failed(error.errors.map(formatProblem));
    return failed([`the simulator failed: ${errorText(error)}`]);
  }
  try {
    return await runScenario(scenario, options);
  } catch (error) {
    // A fault (a bug in the runner or the app) fails this scenario; the report shows it in full.
    return { ...failed([`the simulator failed: ${errorText(error)}`]), name: scenario.name };
  }
}

/** Runs a loaded scenario on a world of its own, which is closed afterwards. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const base = { file: scenario.file, name: scenario.name };
  let world: World;
  try {
    const programs = scenario.programsDir === undefined ? options.programs : undefined;
    world = await createWorld({ programsDir: scenario.programsDir ?? options.programsDir, programs, start: Temporal.Instant.from(scenario.start), holdWebhooks: options.holdWebhooks });
  } catch (error) {
    if (!(error instanceof ProgramLoadError)) throw error;
    const durationMs = performance.now() - started;
    return { ...base, passed: false, steps: [], notRun: scenario.steps.length, problems: [error.message], durationMs };
  }
  const steps: StepResult[] = [];
  const problems: string[] = [];
  try {
    const ctx: StepContext = {
      program: scenario.program,
      names: { members: new Map(), values: new Map(), lastResponse: undefined, lastMail: undefined },
      mailRead: new Map(),
    };
    for (const step of scenario.steps) {
      if (options.signal?.aborted) {
        problems.push(stoppedMessage(options.signal));
        break;
      }
      const result = await runStep(world, step, ctx, options.signal);
      steps.push(result);
      if (!result.passed) break;
    }
  } finally {
    await world.close();
  }
  const passed = problems.length === 0 && steps.length === scenario.steps.length && steps.every((step) => step.passed);
  return { ...base, passed, steps, notRun: scenario.steps.length - steps.length, problems, durationMs: performance.now() - started };
}

async function runStep(world: World, step: Step, ctx: StepContext, signal: AbortSignal | undefined): Promise<StepResult> {
  return step.kind === 'repeat' ? runRepeat(world, step, ctx, signal) : runSingleStep(world, step, ctx);
}

/** Each instance in turn, stopping at the first that fails; then the repeat's own state checks. */
async function runRepeat(world: World, step: RepeatStepData, ctx: StepContext, signal: AbortSignal | undefined): Promise<StepResult> {
  const head = { number: step.number, line: step.line, label: step.title ?? describeStep(step) };
  let ran = 0;
  for (const instance of step.instances) {
    if (signal?.aborted) return { ...head, passed: false, checks: [], error: stoppedMessage(signal), ran };
    const result = await runSingleStep(world, instance, ctx);
    ran += 1;
    if (!result.passed) return { ...result, ...head, ran, ...(instance.iteration === undefined ? {} : { iteration: instance.iteration }) };
  }
  const names = { ...ctx.names };
  const checks: Check[] = [];
  try {
    if (step.expect?.balance) checks.push(await checkBalance(world, step.expect.balance, names));
    if (step.expect?.transactions) checks.push(await checkTransactions(world, step.expect.transactions, names));
  } catch (error) {
    if (!(error instanceof SubstitutionError)) throw error;
    return { ...head, passed: false, checks, error: error.message, ran };
  }
  return { ...head, passed: checks.every(passedCheck), checks, ran };
}

async function runSingleStep(world: World, step: SingleStep, ctx: StepContext): Promise<StepResult> {
  const head = { number: step.number, line: step.line, label: step.title ?? describeStep(step) };
  // Expectations see the response and mail of the steps before, as `{lastResponse…}` in the request does.
  const names = { ...ctx.names };
  const checks: Check[] = [];
  let sent: Exchange | undefined;
  try {
    const request = requestFor(step, ctx);
    if (request !== undefined) {
      sent = await send(world, request);
      rememberMember(step, sent, ctx);
      ctx.names.lastResponse = { status: sent.status, headers: sent.headers, body: sent.body };
      checks.push(checkResponse(sent, step.kind === 'expect' || step.kind === 'mail' ? undefined : step.expect, names));
    }
    if (step.kind === 'mail') {
      const read = await readMail(world.db, { to: substituteText(step.mail.to, names), template: step.mail.template }, ctx.mailRead);
      if (!read.ok) return { ...head, passed: false, checks, error: read.error };
      ctx.mailRead.set(read.mail.id, step.number);
      ctx.names.lastMail = read.mail;
      checks.push(checkMail(read.mail, step.expect, names));
    }
    const { balance, transactions } = step.expect ?? {};
    if (checks.every(passedCheck)) {
      if (balance) checks.push(await checkBalance(world, balance, names));
      if (transactions) checks.push(await checkTransactions(world, transactions, names));
    }
    if (checks.every(passedCheck)) rememberValues(step, ctx);
  } catch (error) {
    if (!(error instanceof SubstitutionError)) throw error;
    // An expectation naming nothing fails after the request went: the report still shows it.
    const shown = sent !== undefined && checks.length === 0 ? [{ exchange: sent, mismatches: [] }] : checks;
    return { ...head, passed: false, checks: shown, error: error.message };
  }
  return { ...head, passed: checks.every(passedCheck), checks };
}

const passedCheck = (check: Check) => check.mismatches.length === 0;

function stoppedMessage(signal: AbortSignal): string {
  return `stopped: ${signal.reason instanceof Error ? signal.reason.message : String(signal.reason)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
