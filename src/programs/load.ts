import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Value } from 'typebox/value';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { assert } from '../errors.js';
import { locate, positionOf } from './locate.js';
import { ProgramSchema, type Program } from './schema.js';
import { validateDefinition } from './validate.js';

/** A definition file is a page of YAML; anything larger is a mistake, not a program. */
const maxFileBytes = 64 * 1024;
const maxPrograms = 1000;

/** One thing wrong with a program file. `line` and `column` are 1-based; 0 means the whole file. */
export interface ProgramLoadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Thrown when any definition is wrong; nothing is loaded then, not even the valid ones. */
export class ProgramLoadError extends Error {
  readonly errors: readonly ProgramLoadProblem[];

  constructor(errors: readonly ProgramLoadProblem[]) {
    assert(errors.length > 0, 'a ProgramLoadError names at least one problem');
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(`${count} in program definitions:\n${errors.map(formatProblem).join('\n')}`);
    this.name = 'ProgramLoadError';
    this.errors = errors;
  }
}

/** `file:line:column: message`, the form editors and terminals turn into links. */
export function formatProblem(problem: ProgramLoadProblem): string {
  const at = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${at}: ${problem.message}`;
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
      if (!(error instanceof ProgramLoadError)) throw error;
      errors.push(...error.errors);
    }
  }
  errors.push(...duplicateKeyProblems(programs));
  if (errors.length > 0) throw new ProgramLoadError(errors);
  return programs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Reads, parses and checks one definition; throws ProgramLoadError naming every problem found. */
export function loadProgramFile(file: string): Program {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readProgramText(file), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = [...doc.errors, ...doc.warnings].map((error) => ({
    file,
    ...positionOf(lineCounter, error.pos[0]),
    message: `YAML: ${error.message}`,
  }));
  if (syntaxErrors.length > 0) throw new ProgramLoadError(syntaxErrors);

  const data = toData(doc, file, lineCounter);
  const problems = validateDefinition(data, basename(dirname(file))).map((problem) => ({
    file,
    ...locate(doc, lineCounter, problem.path, problem.onKey),
    message: problem.message,
  }));
  if (problems.length > 0) throw new ProgramLoadError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  assert(Value.Check(ProgramSchema, data), `${file}: a definition without problems matches the schema`);
  return deepFreeze({ ...data, sourceFile: file });
}

function readProgramText(file: string): string {
  const whole = { file, line: 0, column: 0 };
  if (!existsSync(file)) throw new ProgramLoadError([{ ...whole, message: 'no such file' }]);
  const { size } = statSync(file);
  if (size > maxFileBytes) {
    throw new ProgramLoadError([{ ...whole, message: `is ${size} bytes; a program definition is at most ${maxFileBytes}` }]);
  }
  return readFileSync(file, 'utf8');
}

/** The document as plain data; an empty file or an alias to nothing is refused where it is written. */
function toData(doc: Document, file: string, lineCounter: LineCounter): unknown {
  if (doc.contents === null) {
    const message = 'the file is empty; a program needs key, name, timeZone, currency, pointValue and expiry';
    throw new ProgramLoadError([{ file, line: 1, column: 1, message }]);
  }
  let unresolvedAt: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      unresolvedAt = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  if (unresolvedAt !== undefined) {
    const message = 'YAML: this alias names no anchor defined before it';
    throw new ProgramLoadError([{ file, ...positionOf(lineCounter, unresolvedAt), message }]);
  }
  return doc.toJS({ maxAliasCount: 100 });
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
