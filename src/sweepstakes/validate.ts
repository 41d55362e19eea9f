import { basename, extname } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { schemaProblems, shown, type DefinitionPath, type DefinitionProblem, type Wording } from '../definitions/index.js';
import { ConditionCompileError, type Condition } from '../rules/index.js';
import { exclusionCondition, gateCondition } from './conditions.js';
import { SweepstakesSchema, type SweepstakesDefinition } from './definition.js';
import { capBreaches } from './legal.js';

type Definition = Omit<SweepstakesDefinition, 'program' | 'sourceFile'>;

const wording: Wording = {
  pathName: (path: DefinitionPath) => (path.length === 0 ? 'the sweepstakes' : path.join('.')),
  keys: 'whole-path',
  patternReasons: {
    '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': 'must be lowercase kebab-case, like "status-up-present"',
    '^[A-Z][A-Z0-9]{0,7}$': 'must be an uppercase prize key of at most 8 characters, like "S" or "A"',
    '^\\d{4}-(0[1-9]|1[0-2])$': 'must be a month written YYYY-MM',
    '^[A-Z]{2}$': 'must be an ISO 3166-1 alpha-2 country code, like "JP"',
  },
};

/** Every problem of a parsed definition; pure. `minorPerPoint` is the program's point value. */
export function validateSweepstakes(data: unknown, file: string, minorPerPoint: number): DefinitionProblem[] {
  const shape = schemaProblems(SweepstakesSchema, data, [], wording);
  if (shape.length > 0) return shape;
  const definition = data as Definition;
  return [...keyProblems(definition, file), ...prizeProblems(definition), ...conditionProblems(definition), ...periodProblems(definition), ...legalProblems(definition, minorPerPoint)];
}

function keyProblems(definition: Definition, file: string): DefinitionProblem[] {
  const name = basename(file, extname(file));
  if (definition.key === name) return [];
  return [{ path: ['key'], message: `key ${shown(definition.key)} must equal its file's name "${name}" (a sweepstakes is found by its file)` }];
}

function prizeProblems(definition: Definition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const keys = new Set<string>();
  definition.prizes.forEach((prize, index) => {
    if (keys.has(prize.key)) problems.push({ path: ['prizes', index, 'key'], message: `prize key "${prize.key}" is used twice` });
    keys.add(prize.key);
  });
  const unknown = (list: readonly string[] | undefined, path: DefinitionPath) =>
    (list ?? []).flatMap((key, index) => (keys.has(key) ? [] : [{ path: [...path, index], message: `${path.join('.')} names prize "${key}", which is not among prizes (${[...keys].join(', ')})` }]));
  problems.push(...unknown(definition.invitations?.prizes, ['invitations', 'prizes']));
  definition.draw.exclusions.forEach((exclusion, index) => problems.push(...unknown(exclusion.prizes, ['draw', 'exclusions', index, 'prizes'])));
  for (const [index, key] of (definition.invitations?.prizes ?? []).entries()) {
    const prize = definition.prizes.find((p) => p.key === key);
    if (prize && !prize.channels.includes('email')) {
      problems.push({ path: ['invitations', 'prizes', index], message: `prize "${key}" is not entered by email (its channels: ${prize.channels.join(', ')}), so an invitation cannot offer it` });
    }
  }
  return problems;
}

function conditionProblems(definition: Definition): DefinitionProblem[] {
  return [
    ...compileProblems(() => gateCondition(definition.eligibility.when, 'eligibility'), ['eligibility', 'when']),
    ...definition.prizes.flatMap((prize, index) => compileProblems(() => gateCondition(prize.when, `prize-${prize.key}`), ['prizes', index, 'when'])),
    ...definition.draw.exclusions.flatMap((exclusion, index) => compileProblems(() => exclusionCondition(exclusion.when, exclusion.key), ['draw', 'exclusions', index, 'when'])),
  ];
}

function compileProblems(compile: () => Condition, path: DefinitionPath): DefinitionProblem[] {
  try {
    compile();
    return [];
  } catch (error) {
    if (!(error instanceof ConditionCompileError)) throw error;
    return [{ path, message: `${path.join('.')}: ${error.message}` }];
  }
}

function periodProblems(definition: Definition): DefinitionProblem[] {
  const { first, last } = definition.periods;
  if (first === undefined || last === undefined) return [];
  if (Temporal.PlainYearMonth.compare(first, last) <= 0) return [];
  return [{ path: ['periods', 'last'], message: `periods.last ${last} is before periods.first ${first}` }];
}

function legalProblems(definition: Definition, minorPerPoint: number): DefinitionProblem[] {
  return capBreaches(definition, minorPerPoint).map((breach) => {
    if (breach.prize === 'participation') return { path: ['participation', 'points'], message: breach.message };
    const index = definition.prizes.findIndex((prize) => prize.key === breach.prize);
    return { path: index >= 0 ? ['prizes', index, 'points'] : ['legal'], message: breach.message };
  });
}
