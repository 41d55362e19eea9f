import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Value } from 'typebox/value';
import { DefinitionLoadError, locateProblems, readDefinition, type DefinitionFileOptions, type DefinitionLoadProblem } from '../definitions/index.js';
import { assert } from '../errors.js';
import { CampaignLoadError, duplicateCampaignProblems, loadCampaignsOf } from '../campaigns/load.js';
import { duplicateSweepstakesProblems, loadSweepstakesOf, SweepstakesLoadError } from '../sweepstakes/load.js';
import { ProgramSchema, type Program } from './schema.js';
import { validateDefinition } from './validate.js';

const programFile: DefinitionFileOptions = {
  // A definition file is a page of YAML; anything larger is a mistake, not a program.
  maxBytes: 64 * 1024,
  kind: 'a program definition',
  whenEmpty: 'a program needs key, name, timeZone, currency, pointValue and expiry',
};
const maxPrograms = 1000;

/** One thing wrong with a program file. `line` and `column` are 1-based; 0 means the whole file. */
export type ProgramLoadProblem = DefinitionLoadProblem;

/** Thrown when any definition is wrong; nothing is loaded then, not even the valid ones. */
export class ProgramLoadError extends DefinitionLoadError {
  constructor(errors: readonly ProgramLoadProblem[]) {
    super(errors, 'program definitions');
  }
}

/** Every `<dir>/*\/program.yaml`, sorted by key. Folders without a program.yaml are skipped. */
export function loadPrograms(dir: string): Program[] {
  const programs: Program[] = [];
  const errors: ProgramLoadProblem[] = [];
  for (const file of programFilesIn(dir)) {
    try {
      programs.push(loadProgramFile(file));
    } catch (error) {
      // Gathered so one run names every broken file; anything else is a fault and propagates.
      if (!(error instanceof ProgramLoadError || error instanceof SweepstakesLoadError || error instanceof CampaignLoadError)) throw error;
      errors.push(...error.errors);
    }
  }
  errors.push(
    ...duplicateKeyProblems(programs),
    ...duplicateSweepstakesProblems(programs.flatMap((program) => program.sweepstakes ?? [])),
    ...duplicateCampaignProblems(programs.flatMap((program) => program.campaigns ?? [])),
  );
  if (errors.length > 0) throw new ProgramLoadError(errors);
  return programs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Reads, parses and checks one definition and the sweepstakes and campaigns beside it; throws
 * ProgramLoadError (or SweepstakesLoadError, CampaignLoadError) naming every problem found.
 */
export function loadProgramFile(file: string): Program {
  const source = readDefinition(file, programFile);
  if (!source.ok) throw new ProgramLoadError(source.problems);
  const { data } = source.value;
  const problems = locateProblems(source.value, validateDefinition(data, basename(dirname(file))));
  if (problems.length > 0) throw new ProgramLoadError(problems);
  assert(Value.Check(ProgramSchema, data), `${file}: a definition without problems matches the schema`);
  const sweepstakes = loadSweepstakesOf({ ...data, sourceFile: file });
  const campaigns = loadCampaignsOf({ key: data.key, sourceFile: file });
  return deepFreeze({ ...data, sourceFile: file, ...(sweepstakes.length > 0 ? { sweepstakes } : {}), ...(campaigns.length > 0 ? { campaigns } : {}) });
}

function programFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ProgramLoadError([{ file: dir, line: 0, column: 0, message: 'is not a directory of programs' }]);
  }
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name, 'program.yaml'))
    .filter((file) => existsSync(file))
    .sort();
  if (files.length > maxPrograms) {
    const message = `holds ${files.length} programs; at most ${maxPrograms}`;
    throw new ProgramLoadError([{ file: dir, line: 0, column: 0, message }]);
  }
  return files;
}

/** A key names one program. Keys equal their folder names, so this guards against a future change. */
function duplicateKeyProblems(programs: readonly Program[]): ProgramLoadProblem[] {
  const firstByKey = new Map<string, Program>();
  const problems: ProgramLoadProblem[] = [];
  for (const program of programs) {
    const first = firstByKey.get(program.key);
    if (first === undefined) {
      firstByKey.set(program.key, program);
      continue;
    }
    const message = `key "${program.key}" is also defined in ${first.sourceFile}`;
    problems.push({ file: program.sourceFile, line: 0, column: 0, message });
  }
  return problems;
}

/** Programs are shared by every request; freezing them keeps one handler from changing another's. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
