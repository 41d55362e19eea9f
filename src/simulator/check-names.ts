import type { DefinitionPath as KeyPath } from '../definitions/index.js';
import type { ScenarioProblem } from './problems.js';
import {
  aliasPattern,
  anonymousIdentity,
  iterationName,
  lastMailName,
  lastResponseName,
  operatorIdentity,
  reservedNames,
  type SingleStep,
  type Step,
} from './schema.js';
import { referencesIn, rootOf } from './substitute.js';

/**
 * The names of a scenario, checked before it runs: members (`enrol: { as: alice }`) and values
 * (`remember: { rikuKey: … }`) share one namespace and are used only after the step that remembers
 * them; `{lastMail…}` only after a mail step; `member:` keys name members, `as:` a session token.
 * Pure: a step's `remember` is checked after its action and expect, as the run evaluates it.
 */

type NameKind = 'member' | 'value';

interface Scope {
  /** What the steps so far remember. */
  known: Map<string, NameKind>;
  /** Every member alias of the file, so a value cannot take one, before or after its enrol. */
  aliases: ReadonlySet<string>;
  /** Whether a mail step came before, so `{lastMail…}` names something. */
  mailRead: boolean;
}

export function nameProblems(steps: readonly Step[]): ScenarioProblem[] {
  const scope: Scope = { known: new Map(), aliases: aliasesOf(steps), mailRead: false };
  const problems: ScenarioProblem[] = [];
  for (const step of steps) {
    const at: KeyPath = ['steps', step.number - 1];
    if (step.kind !== 'repeat') {
      problems.push(...singleStepProblems(step, at, scope));
      continue;
    }
    // Every instance remembers its member; the first instance with a problem speaks for the rest.
    let reported = false;
    for (const instance of step.instances) {
      const found = singleStepProblems(instance, [...at, 'repeat', 'step'], scope);
      if (found.length > 0 && !reported) {
        reported = true;
        problems.push(...found.map((problem) => ({ ...problem, message: `${problem.message} (when ${iterationName} = ${instance.iteration})` })));
      }
    }
    problems.push(...expectProblems(step, at, scope));
  }
  return problems;
}

/** The names a step uses, each remembered before; then what it remembers itself. */
function singleStepProblems(step: SingleStep, at: KeyPath, scope: Scope): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const need = needer(scope, step, problems);
  for (const { path, reference } of referencesWithPaths(actionOf(step), [...at, step.kind])) need(rootOf(reference), path, `{${reference}}`, 'any');
  if (step.kind === 'adjust') need(step.adjust.member, [...at, 'adjust', 'member'], 'adjust.member', 'member');
  if (step.kind === 'events') {
    for (const [i, event] of step.events.entries()) {
      if (typeof event.member === 'string') need(event.member, [...at, 'events', i, 'member'], `events[${i}].member`, 'member');
    }
  }
  if (step.kind === 'request') problems.push(...identityProblems(step, at, scope));
  if (step.kind === 'enrol' && step.enrol.as !== undefined) {
    if (reservedNames.includes(step.enrol.as)) {
      problems.push({ path: [...at, 'enrol', 'as'], message: `step ${step.number}: "${step.enrol.as}" is reserved; choose another name` });
    }
    scope.known.set(step.enrol.as, 'member');
  }
  problems.push(...expectProblems(step, at, scope));
  if (step.kind === 'mail') scope.mailRead = true;
  problems.push(...rememberProblems(step, at, scope));
  return problems;
}

/** `balance.member`, `transactions.member` and the placeholders of an `expect`. */
function expectProblems(step: Step, at: KeyPath, scope: Scope): ScenarioProblem[] {
  const { expect } = step;
  if (expect === undefined) return [];
  const problems: ScenarioProblem[] = [];
  const need = needer(scope, step, problems);
  if (expect.balance) need(expect.balance.member, [...at, 'expect', 'balance', 'member'], 'expect.balance.member', 'member');
  if (expect.transactions) need(expect.transactions.member, [...at, 'expect', 'transactions', 'member'], 'expect.transactions.member', 'member');
  for (const { path, reference } of referencesWithPaths(expect, [...at, 'expect'])) need(rootOf(reference), path, `{${reference}}`, 'any');
  return problems;
}

/**
 * `remember: { name: value }`: the value's placeholders see the step's own response and mail; the
 * name is a new one, or a value's again (a later log-in replaces a session), never a member's.
 */
function rememberProblems(step: SingleStep, at: KeyPath, scope: Scope): ScenarioProblem[] {
  if (step.remember === undefined) return [];
  const problems: ScenarioProblem[] = [];
  const need = needer(scope, step, problems);
  const named: string[] = [];
  for (const [name, value] of Object.entries(step.remember)) {
    const path = [...at, 'remember', name];
    for (const { path: where, reference } of referencesWithPaths(value, path)) need(rootOf(reference), where, `{${reference}}`, 'any');
    const clash = valueNameProblem(scope, name);
    if (clash !== undefined) problems.push({ path, onKey: true, message: `step ${step.number}: remember.${name}: ${clash}` });
    else named.push(name);
  }
  // Known only after the whole mapping: the run works every value out before keeping any.
  for (const name of named) scope.known.set(name, 'value');
  return problems;
}

const valueName = new RegExp(aliasPattern);

function valueNameProblem(scope: Scope, name: string): string | undefined {
  if (!valueName.test(name) || name.length > 64) return `"${name}" is not a name: letters, digits, _ and -, starting with a letter or _`;
  if (reservedNames.includes(name)) return `"${name}" is reserved; choose another name`;
  if (scope.aliases.has(name)) return `"${name}" is a member's name (enrol as: ${name}); a remembered value needs a name of its own`;
  return undefined;
}

/** `as:` is operator, anonymous, or one placeholder naming a session token, never with an Authorization header of its own. */
function identityProblems(step: Extract<SingleStep, { kind: 'request' }>, at: KeyPath, scope: Scope): ScenarioProblem[] {
  const { as, headers } = step.request;
  if (as === undefined || as === operatorIdentity) return [];
  const path = [...at, 'request', 'as'];
  const problems: ScenarioProblem[] = [];
  if (Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
    problems.push({ path, message: `step ${step.number}: request.as and an authorization header both say who sends it; give one` });
  }
  if (as === anonymousIdentity) return problems;
  const [reference] = referencesIn(as);
  if (reference === undefined || as !== `{${reference}}`) {
    const message = `step ${step.number}: request.as ${JSON.stringify(as)} must be ${operatorIdentity}, ${anonymousIdentity}, or a session token written as one placeholder, like as: "{rikuSession}"`;
    return [...problems, { path, message }];
  }
  if (scope.known.get(rootOf(reference)) === 'member') {
    const message =
      `step ${step.number}: request.as {${reference}} is a member, not a session token; ` +
      `remember the token of a log-in (remember: { session: "{lastResponse.body.token}" }) and write as: "{session}"`;
    problems.push({ path, message });
  }
  return problems;
}

type Need = (name: string, path: KeyPath, what: string, wants: NameKind | 'any') => void;

/** Records a problem in `problems` for each name used that cannot be. */
function needer(scope: Scope, step: Step, problems: ScenarioProblem[]): Need {
  return (name, path, what, wants) => {
    const message = nameProblem(scope, step, name, what, wants);
    if (message !== undefined) problems.push({ path, message });
  };
}

/** Why `name` cannot be used here as `wants`, or undefined when it can. */
function nameProblem(scope: Scope, step: Step, name: string, what: string, wants: NameKind | 'any'): string | undefined {
  const kind = scope.known.get(name);
  if (wants === 'member' && kind === 'value') return `step ${step.number}: ${what}: "${name}" is a remembered value, not a member`;
  if (wants === 'any' && name === lastResponseName) return undefined;
  if (wants === 'any' && name === lastMailName) return scope.mailRead ? undefined : `step ${step.number}: ${what}: no earlier mail step has read a mail`;
  if (kind !== undefined) return undefined;
  const names = [...scope.known.keys()];
  const remembered = names.length === 0 ? 'none yet' : names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`;
  const orValue = wants === 'any' ? `, nor an earlier remember: { ${name}: … }` : '';
  const hint = name === iterationName ? `; {${iterationName}} is the iteration number, only inside a repeat step` : '';
  return `step ${step.number}: ${what}: no earlier enrol step remembers "${name}" (as: ${name})${orValue}; remembered: ${remembered}${hint}`;
}

function aliasesOf(steps: readonly Step[]): Set<string> {
  const singles = steps.flatMap((step) => (step.kind === 'repeat' ? step.instances : [step]));
  return new Set(singles.flatMap((step) => (step.kind === 'enrol' && step.enrol.as !== undefined ? [step.enrol.as] : [])));
}

function actionOf(step: SingleStep): unknown {
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
    case 'mail':
      return step.mail;
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
