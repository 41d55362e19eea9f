import { Temporal } from 'temporal-polyfill';
import { schemaProblems, type DefinitionPath, type DefinitionProblem, type Wording } from '../definitions/index.js';
import { compileCondition, ConditionCompileError, type Condition, type Variables } from '../rules/index.js';
import { benefitTableProblems } from './benefit-table-problems.js';
import { CampaignSchema, type CampaignDefinition } from './definition.js';

/** What eligibility conditions see (context.ts builds them). */
export const eligibilityVariables: Variables = { person: 'map', line: 'map', family: 'map', history: 'list', application: 'map', lists: 'map' };
/** What termination patterns see: the event, the line after and before it, the application. */
export const terminationVariables: Variables = { event: 'map', line: 'map', previous: 'map', application: 'map', lists: 'map' };

const wording: Wording = { pathName: (path) => (path.length === 0 ? 'the campaign' : path.join('.')), keys: 'whole-path' };

/** Every problem of a parsed campaign file, at the path it concerns. Pure. */
export function campaignProblems(data: unknown, fileName: string): DefinitionProblem[] {
  const shape = schemaProblems(CampaignSchema, data, [], wording);
  if (shape.length > 0) return shape;
  const c = data as CampaignDefinition;
  return [
    ...(c.id === fileName ? [] : [{ path: ['id'], message: `id "${c.id}" must equal the file's name "${fileName}" (a campaign is found by its file)` }]),
    ...periodProblems(c),
    ...conditionProblems(c),
    ...benefitTableProblems(c),
    ...reapplicationProblems(c),
    ...referenceProblems(c),
  ];
}

function periodProblems(c: CampaignDefinition): DefinitionProblem[] {
  const from = dateOf(c.period.from);
  const until = dateOf(c.period.until);
  const problems: DefinitionProblem[] = [];
  if (!from) problems.push({ path: ['period', 'from'], message: `period.from "${c.period.from}" is not a date` });
  if (!until) problems.push({ path: ['period', 'until'], message: `period.until "${c.period.until}" is not a date` });
  if (from && until && Temporal.PlainDate.compare(from, until) > 0) problems.push({ path: ['period', 'until'], message: 'period.until is before period.from' });
  return problems;
}

function conditionProblems(c: CampaignDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const check = (path: DefinitionPath, when: string, variables: Variables) => {
    const problem = compileProblem(path, when, variables);
    if (problem) problems.push(problem);
  };
  (c.eligibility ?? []).forEach((rule, i) => check(['eligibility', i, 'when'], rule.when, eligibilityVariables));
  for (const [role, config] of Object.entries(c.roles)) {
    (config.eligibility ?? []).forEach((rule, i) => check(['roles', role, 'eligibility', i, 'when'], rule.when, eligibilityVariables));
  }
  for (const [option, config] of Object.entries(c.options)) {
    (config.requires ?? []).forEach((rule, i) => check(['options', option, 'requires', i, 'when'], rule.when, eligibilityVariables));
  }
  c.termination.rules.forEach((rule, i) => {
    if (rule.when !== undefined) check(['termination', 'rules', i, 'when'], rule.when, terminationVariables);
  });
  return problems;
}

/** GG-11: every row has one cell per column. */
function reapplicationProblems(c: CampaignDefinition): DefinitionProblem[] {
  const matrix = c.reapplication;
  if (!matrix) return [];
  const width = matrix.columns.length;
  return Object.entries(matrix.rows)
    .filter(([, cells]) => cells.length !== width)
    .map(([past, cells]) => ({ path: ['reapplication', 'rows', past], message: `reapplication row "${past}" has ${cells.length} cells; the table has ${width} columns` }));
}

function referenceProblems(c: CampaignDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const roles = Object.keys(c.roles);
  for (const [role, config] of Object.entries(c.roles)) {
    const dependsOn = config.dependsOn;
    if (dependsOn && !roles.includes(dependsOn.role)) problems.push({ path: ['roles', role, 'dependsOn', 'role'], message: `role "${dependsOn.role}" is not one of roles (${roles.join(', ')})` });
    for (const kind of Object.keys(dependsOn?.preRegistration?.startMonthsAfterJoin ?? {})) {
      if (!['discount', 'data'].includes(kind)) problems.push({ path: ['roles', role, 'dependsOn', 'preRegistration', 'startMonthsAfterJoin', kind], onKey: true, message: `"${kind}" is not a benefit kind (discount, data)` });
    }
  }
  c.termination.rules.forEach((rule, i) => {
    for (const role of rule.roles ?? []) {
      if (!roles.includes(role)) problems.push({ path: ['termination', 'rules', i, 'roles'], message: `role "${role}" is not one of roles (${roles.join(', ')})` });
    }
  });
  c.reapplication?.columns.forEach((column, i) => {
    if (!roles.includes(column.role)) problems.push({ path: ['reapplication', 'columns', i, 'role'], message: `role "${column.role}" is not one of roles (${roles.join(', ')})` });
  });
  return problems;
}

function compileProblem(path: DefinitionPath, when: string, variables: Variables): DefinitionProblem | undefined {
  try {
    compileCondition(when, variables);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConditionCompileError)) throw error;
    return { path, message: `${path.join('.')}: ${error.message}` };
  }
}

export function compile(when: string, variables: Variables, rule: string): Condition {
  return compileCondition(when, variables, { rule });
}

export function dateOf(text: string): Temporal.PlainDate | undefined {
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    return undefined;
  }
}
