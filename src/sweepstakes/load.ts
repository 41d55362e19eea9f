import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DefinitionLoadError, locateProblems, readDefinition, type DefinitionFileOptions, type DefinitionLoadProblem } from '../definitions/index.js';
import type { SweepstakesDefinition } from './definition.js';
import { validateSweepstakes } from './validate.js';

const sweepstakesFile: DefinitionFileOptions = {
  maxBytes: 64 * 1024,
  kind: 'a sweepstakes definition',
  whenEmpty: 'a sweepstakes needs key, names, periods, eligibility, prizes, draw, legal and dataUse',
};

export class SweepstakesLoadError extends DefinitionLoadError {
  constructor(errors: readonly DefinitionLoadProblem[]) {
    super(errors, 'sweepstakes definitions');
  }
}

/** What the loader needs of the program a sweepstakes belongs to. */
export interface SweepstakesOwner {
  key: string;
  sourceFile: string;
  pointValue: { points: number; amountMinor: number };
}

/**
 * Every `sweepstakes/*.yaml` beside the program's `program.yaml`, sorted by key. Throws
 * SweepstakesLoadError naming every problem of every file; nothing is loaded then.
 */
export function loadSweepstakesOf(program: SweepstakesOwner): SweepstakesDefinition[] {
  const dir = join(dirname(program.sourceFile), 'sweepstakes');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));
  const minorPerPoint = program.pointValue.amountMinor / program.pointValue.points;
  const loaded: SweepstakesDefinition[] = [];
  const problems: DefinitionLoadProblem[] = [];
  for (const file of files) {
    const source = readDefinition(file, sweepstakesFile);
    if (!source.ok) {
      problems.push(...source.problems);
      continue;
    }
    const found = locateProblems(source.value, validateSweepstakes(source.value.data, file, minorPerPoint));
    if (found.length > 0) problems.push(...found);
    else loaded.push({ ...(source.value.data as Omit<SweepstakesDefinition, 'program' | 'sourceFile'>), program: program.key, sourceFile: file });
  }
  if (problems.length > 0) throw new SweepstakesLoadError(problems);
  return loaded;
}

/** Sweepstakes keys name them in URLs (`/v1/sweepstakes/{key}`), so they are unique across programs. */
export function duplicateSweepstakesProblems(all: readonly SweepstakesDefinition[]): DefinitionLoadProblem[] {
  const first = new Map<string, SweepstakesDefinition>();
  return all.flatMap((definition) => {
    const earlier = first.get(definition.key);
    if (!earlier) {
      first.set(definition.key, definition);
      return [];
    }
    return [{ file: definition.sourceFile, line: 0, column: 0, message: `sweepstakes key "${definition.key}" is also defined in ${earlier.sourceFile}` }];
  });
}
