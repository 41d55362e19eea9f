import { Temporal } from 'temporal-polyfill';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { shown, type DefinitionPath as KeyPath } from '../definitions/index.js';
import { dotted, schemaProblems, type ScenarioProblem } from './problems.js';
import { nameProblems } from './check-names.js';
import {
  actionKinds,
  iterationName,
  programKinds,
  repeatableKinds,
  ScenarioHead,
  stepSchemas,
  type SingleStep,
  type Step,
  type StepKind,
  type StepTag,
} from './schema.js';
import { withIteration } from './substitute.js';

/**
 * Checks parsed scenario data: pure, no I/O. Beyond the schema it checks what a run would only
 * find later: instants that parse, a clock that never goes back, a program for every step that
 * needs one, and names (members, remembered values, `{lastMail}`) used only after a step
 * remembered them (check-names.ts).
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

  problems.push(...clockProblems(data.start, steps), ...programProblems(data.program, steps), ...nameProblems(steps));
  if (problems.length > 0) return { problems };
  return { scenario: { name: data.name, program: data.program, programs: data.programs, start: data.start, steps }, problems };
}

/** The step as its kind's schema reads it; the one action key it has names the kind. */
function typedStep(raw: unknown, index: number, line: number): { step: Step } | { problems: ScenarioProblem[] } {
  const path = ['steps', index];
  const number = index + 1;
  const kind = kindOf(raw, path, `step ${number}`);
  if (typeof kind !== 'string') return kind;
  const problems = schemaProblems(stepSchemas[kind], raw, path);
  if (kind === 'repeat') {
    if (problems.length > 0 || !Value.Check(stepSchemas.repeat, raw)) return { problems };
    return repeatOf(raw, { number, line }, path);
  }
  const step = stepOf(kind, raw, { number, line });
  return step ? { step } : { problems };
}

type Kinded = StepKind | { problems: ScenarioProblem[] };

/** The kind of a step, from the one action key it has (or `expect` alone). */
function kindOf(raw: unknown, path: KeyPath, what: string): Kinded {
  if (!isRecord(raw)) return { problems: [{ path, message: `${what} must be a mapping, like "- clock: 2026-04-01T00:00:00+09:00"` }] };
  const actions = actionKinds.filter((kind) => Object.hasOwn(raw, kind));
  const [kind, second] = actions.length > 0 ? actions : Object.hasOwn(raw, 'expect') ? (['expect'] as const) : [];
  if (kind === undefined) {
    const keys = Object.keys(raw).map((key) => `"${key}"`).join(', ') || 'nothing';
    const message = `${what} has ${keys}; a step does one of: ${[...actionKinds, 'expect'].join(', ')}`;
    return { problems: [{ path, message }] };
  }
  if (second !== undefined) {
    const message = `${what} does one thing; it has both "${kind}" and "${second}" (make two steps)`;
    return { problems: [{ path: [...path, second], onKey: true, message }] };
  }
  return kind;
}

/**
 * A repeat: the step it repeats, made and checked once per `i` (from, from + 1, …). The problems
 * of the first `i` that has any are reported, named by that `i`, since the others repeat them.
 */
function repeatOf(
  raw: Static<typeof stepSchemas.repeat>,
  tag: StepTag,
  path: KeyPath,
): { step: Step } | { problems: ScenarioProblem[] } {
  const { times, from = 1, step: template } = raw.repeat;
  const at = [...path, 'repeat', 'step'];
  const what = `step ${tag.number}: repeat.step`;
  const kind = kindOf(template, at, what);
  if (typeof kind !== 'string') return kind;
  if (!(repeatableKinds as readonly StepKind[]).includes(kind)) {
    const message = `${what} is "${kind}"; a repeat repeats one of: ${repeatableKinds.join(', ')}`;
    return { problems: [{ path: [...at, kind], onKey: true, message }] };
  }
  if (isRecord(template) && Object.hasOwn(template, 'remember')) {
    const message = `${what} cannot remember (each time would replace the last); remember in a step after the repeat`;
    return { problems: [{ path: [...at, 'remember'], onKey: true, message }] };
  }
  const instances: SingleStep[] = [];
  for (let i = from; i < from + times; i++) {
    const instance = withIteration(template, i);
    const step = stepOf(kind, instance, { ...tag, iteration: i });
    if (step === undefined) {
      const problems = schemaProblems(stepSchemas[kind], instance, at);
      const when = times === 1 ? '' : ` (when ${iterationName} = ${i})`;
      return { problems: problems.map((problem) => ({ ...problem, message: `${problem.message}${when}` })) };
    }
    instances.push(step);
  }
  return { step: { ...raw, ...tag, kind: 'repeat', instances } };
}

function stepOf(kind: StepKind, raw: unknown, tag: StepTag): SingleStep | undefined {
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
    case 'mail':
      return Value.Check(stepSchemas.mail, raw) ? { ...raw, ...tag, kind } : undefined;
    case 'repeat':
      // A repeat is made by repeatOf, with its instances.
      return undefined;
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
  const problems: ScenarioProblem[] = [];
  for (const step of steps) {
    // A repeat needs what its step needs; the first instance speaks for all.
    const [acting, at] = step.kind === 'repeat' ? [step.instances[0], ['repeat', 'step']] : [step, []];
    if (acting === undefined || !programKinds.includes(acting.kind) || ('program' in acting && acting.program !== undefined)) continue;
    problems.push({
      path: ['steps', step.number - 1, ...at, acting.kind],
      onKey: true,
      message: `step ${step.number}: ${acting.kind} needs a program; give the scenario a "program:" or the step one`,
    });
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
