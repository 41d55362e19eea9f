import { Temporal } from 'temporal-polyfill';
import { Value } from 'typebox/value';
import { dotted, schemaProblems, shown, type ScenarioProblem } from './problems.js';
import { actionKinds, lastResponseName, programKinds, ScenarioHead, stepSchemas, type Step, type StepKind } from './schema.js';
import { referencesIn, rootOf } from './substitute.js';
import type { DefinitionPath as KeyPath } from '../programs/index.js';

/**
 * Checks parsed scenario data: pure, no I/O. Beyond the schema it checks what a run would only
 * find later: instants that parse, a clock that never goes back, a program for every step that
 * needs one, and members used only after an enrol step remembered them.
 */

export interface CheckedScenario {
  name: string;
  program: string | undefined;
  programs: string | undefined;
  start: string;
  steps: Step[];
}

/** `lineOf` says on which line a path is written (the loader knows; tests may not care). */
export function checkScenario(
  data: unknown,
  lineOf: (path: KeyPath) => number = () => 0,
): { scenario?: CheckedScenario; problems: ScenarioProblem[] } {
  if (!isRecord(data)) return { problems: [{ path: [], message: 'a scenario is a mapping with name, start and steps' }] };
  const problems = schemaProblems(ScenarioHead, data, []);
  if (!Value.Check(ScenarioHead, data)) return { problems };

  const steps: Step[] = [];
  for (const [index, raw] of data.steps.entries()) {
    const typed = typedStep(raw, index, lineOf(['steps', index]));
    if ('problems' in typed) problems.push(...typed.problems);
    else steps.push(typed.step);
  }
  problems.push(...instantProblems(['start'], data.start));
  if (problems.length > 0) return { problems };

  problems.push(...clockProblems(data.start, steps), ...programProblems(data.program, steps), ...memberProblems(steps));
  if (problems.length > 0) return { problems };
  return { scenario: { name: data.name, program: data.program, programs: data.programs, start: data.start, steps }, problems };
}

/** The step as its kind's schema reads it; the one action key it has names the kind. */
function typedStep(raw: unknown, index: number, line: number): { step: Step } | { problems: ScenarioProblem[] } {
  const path = ['steps', index];
  const number = index + 1;
  if (!isRecord(raw)) return { problems: [{ path, message: `step ${number} must be a mapping, like "- clock: 2026-04-01T00:00:00+09:00"` }] };
  const actions = actionKinds.filter((kind) => Object.hasOwn(raw, kind));
  const [kind, second] = actions.length > 0 ? actions : Object.hasOwn(raw, 'expect') ? (['expect'] as const) : [];
  if (kind === undefined) {
    const keys = Object.keys(raw).map((key) => `"${key}"`).join(', ') || 'nothing';
    const message = `step ${number} has ${keys}; a step does one of: ${[...actionKinds, 'expect'].join(', ')}`;
    return { problems: [{ path, message }] };
  }
  if (second !== undefined) {
    const message = `step ${number} does one thing; it has both "${kind}" and "${second}" (make two steps)`;
    return { problems: [{ path: [...path, second], onKey: true, message }] };
  }
  const problems = schemaProblems(stepSchemas[kind], raw, path);
  const step = stepOf(kind, raw, { number, line });
  return step ? { step } : { problems };
}

function stepOf(kind: StepKind, raw: unknown, tag: { number: number; line: number }): Step | undefined {
  switch (kind) {
    case 'enrol':
      return Value.Check(stepSchemas.enrol, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'adjust':
      return Value.Check(stepSchemas.adjust, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'events':
      return Value.Check(stepSchemas.events, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'clock':
      return Value.Check(stepSchemas.clock, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'job':
      return Value.Check(stepSchemas.job, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'request':
      return Value.Check(stepSchemas.request, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'expect':
      return Value.Check(stepSchemas.expect, raw) ? { ...raw, ...tag, kind } : undefined;
  }
}

export function parseInstant(text: string): Temporal.Instant | undefined {
  try {
    return Temporal.Instant.from(text);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function instantProblems(path: KeyPath, text: string): ScenarioProblem[] {
  if (parseInstant(text) !== undefined) return [];
  return [{ path, message: `${dotted(path)} ${shown(text)} must be an ISO 8601 instant with an offset, like 2026-03-31T23:59:59+09:00` }];
}

/** The test clock only moves forward (POST /v1/test-clock refuses otherwise); say so before running. */
function clockProblems(start: string, steps: readonly Step[]): ScenarioProblem[] {
  let now = parseInstant(start);
  const problems: ScenarioProblem[] = [];
  for (const step of steps) {
    if (step.kind !== 'clock') continue;
    const path = ['steps', step.number - 1, 'clock'];
    const next = parseInstant(step.clock);
    if (next === undefined) {
      problems.push(...instantProblems(path, step.clock));
    } else if (now !== undefined && Temporal.Instant.compare(next, now) < 0) {
      problems.push({ path, message: `step ${step.number}: the clock would go back from ${now} to ${next}; it only moves forward` });
    } else {
      now = next;
    }
  }
  return problems;
}

function programProblems(program: string | undefined, steps: readonly Step[]): ScenarioProblem[] {
  if (program !== undefined) return [];
  return steps
    .filter((step) => programKinds.includes(step.kind) && !('program' in step && step.program !== undefined))
    .map((step) => ({
      path: ['steps', step.number - 1, step.kind],
      onKey: true,
      message: `step ${step.number}: ${step.kind} needs a program; give the scenario a "program:" or the step one`,
    }));
}

/** Members are named by the alias an earlier enrol step gave them (`as: alice`). */
function memberProblems(steps: readonly Step[]): ScenarioProblem[] {
  const known = new Set<string>();
  const problems: ScenarioProblem[] = [];
  for (const step of steps) {
    const at = (...keys: (string | number)[]) => ['steps', step.number - 1, ...keys];
    const need = (name: string, path: KeyPath, what: string) => {
      if (name === lastResponseName || known.has(name)) return;
      const remembered = [...known].join(', ') || 'none yet';
      const message = `step ${step.number}: ${what}: no earlier enrol step remembers "${name}" (as: ${name}); remembered: ${remembered}`;
      problems.push({ path, message });
    };
    const needReferences = (value: unknown, path: KeyPath) => {
      for (const { path: at, reference } of referencesWithPaths(value, path)) need(rootOf(reference), at, `{${reference}}`);
    };

    needReferences(actionOf(step), at(step.kind));
    if (step.kind === 'adjust') need(step.adjust.member, at('adjust', 'member'), 'adjust.member');
    if (step.kind === 'events') {
      for (const [i, event] of step.events.entries()) {
        if (typeof event.member === 'string') need(event.member, at('events', i, 'member'), `events[${i}].member`);
      }
    }
    if (step.kind === 'enrol' && step.enrol.as !== undefined) {
      if (step.enrol.as === lastResponseName) {
        problems.push({ path: at('enrol', 'as'), message: `step ${step.number}: "${lastResponseName}" is reserved; choose another name` });
      }
      known.add(step.enrol.as);
    }
    const { expect } = step;
    if (expect?.balance) need(expect.balance.member, at('expect', 'balance', 'member'), 'expect.balance.member');
    if (expect?.transactions) need(expect.transactions.member, at('expect', 'transactions', 'member'), 'expect.transactions.member');
    needReferences(expect, at('expect'));
  }
  return problems;
}

function actionOf(step: Step): unknown {
  switch (step.kind) {
    case 'enrol':
      return step.enrol;
    case 'adjust':
      return step.adjust;
    case 'events':
      return step.events;
    case 'clock':
      return step.clock;
    case 'job':
      return step.job;
    case 'request':
      return step.request;
    case 'expect':
      return undefined;
  }
}

function referencesWithPaths(value: unknown, path: KeyPath): { path: KeyPath; reference: string }[] {
  if (typeof value === 'string') return referencesIn(value).map((reference) => ({ path, reference }));
  if (Array.isArray(value)) return value.flatMap((item, index) => referencesWithPaths(item, [...path, index]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => referencesWithPaths(item, [...path, key]));
  return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
