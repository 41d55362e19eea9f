import type { TSchema } from 'typebox';
import { schemaProblems as problemsAgainst, type DefinitionPath, type DefinitionProblem, type Wording } from '../definitions/index.js';

/** One thing wrong with a scenario, at a path of keys the loader turns into a line and column. */
export type ScenarioProblem = DefinitionProblem;

/** Scenario problems start with the step they concern (`step 1: unknown key "expct"`), counted from 1. */
const wording: Wording = { pathName: dotted, keys: 'after-parent' };

/** Every TypeBox error of `value` against `schema`, as sentences a person can act on. */
export function schemaProblems(schema: TSchema, value: unknown, prefix: DefinitionPath): ScenarioProblem[] {
  return problemsAgainst(schema, value, prefix, wording);
}

/** The path as a person reads it: `step 3: adjust.points`, steps counted from 1 as the report does. */
export function dotted(path: DefinitionPath): string {
  const [first, second, ...rest] = path;
  if (first === 'steps' && typeof second === 'number') {
    return rest.length === 0 ? `step ${second + 1}` : `step ${second + 1}: ${joined(rest)}`;
  }
  return path.length === 0 ? 'the scenario' : joined(path);
}

function joined(path: DefinitionPath): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}
