import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { assert } from '../errors.js';
import { formatProblem, type ProgramLoadProblem } from '../programs/index.js';
import { checkScenario } from './check.js';
import { limits, type Scenario } from './schema.js';
import { locate, positionOf } from '../programs/index.js';

/** One thing wrong with a scenario file: `file:line:column: message`, as with program files. */
export type ScenarioLoadProblem = ProgramLoadProblem;

/** Thrown when a scenario file is wrong; it names every problem found, and nothing of it runs. */
export class ScenarioLoadError extends Error {
  readonly errors: readonly ScenarioLoadProblem[];

  constructor(errors: readonly ScenarioLoadProblem[]) {
    assert(errors.length > 0, 'a ScenarioLoadError names at least one problem');
    super(errors.map(formatProblem).join('\n'));
    this.name = 'ScenarioLoadError';
    this.errors = errors;
  }
}

/** Reads, parses and checks one scenario file. */
export function loadScenarioFile(file: string): Scenario {
  const lineCounter = new LineCounter();
  const text = readScenarioText(file);
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = [...doc.errors, ...doc.warnings].map((error) => ({
    file,
    ...positionOf(lineCounter, error.pos[0]),
    message: `YAML: ${error.message}`,
  }));
  if (syntaxErrors.length > 0) throw new ScenarioLoadError(firstSyntaxErrors(syntaxErrors, text));

  const { scenario, problems } = checkScenario(toData(doc, file, lineCounter), (path) => locate(doc, lineCounter, path).line);
  if (!scenario) {
    const located = problems.map((problem) => ({ file, ...locate(doc, lineCounter, problem.path, problem.onKey), message: problem.message }));
    throw new ScenarioLoadError(located.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  const { programs, ...rest } = scenario;
  // A scenario names its programs relative to itself, so it runs from any working directory.
  return { ...rest, file, programsDir: programs === undefined ? undefined : resolve(dirname(file), programs) };
}

/** The scenario files named: a file as given, a folder as its *.yaml and *.yml files, sorted. */
export function scenarioFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => ['.yaml', '.yml'].includes(extname(name)))
      .sort()
      .map((name) => join(path, name));
  });
}

/** An unquoted `{` inside `{ … }`: YAML reads it as a nested mapping, as in `{ path: /v1/members/{alice} }`. */
const unquotedPlaceholder = /[^\s"'{]\{[A-Za-z_][\w.-]*\}/;
const shownSyntaxErrors = 3;

/** One broken token makes the YAML parser report every token after it; the first few say it all. */
function firstSyntaxErrors(errors: ScenarioLoadProblem[], text: string): ScenarioLoadProblem[] {
  const shown = errors.slice(0, shownSyntaxErrors);
  const [first] = shown;
  const lineText = first === undefined ? '' : (text.split('\n')[first.line - 1] ?? '');
  if (first && unquotedPlaceholder.test(lineText)) {
    shown[0] = { ...first, message: `${first.message} (quote a text holding {name} inside { … }: path: "/v1/members/{alice}")` };
  }
  const more = errors.length - shown.length;
  const last = shown.at(-1);
  if (more > 0 && last) shown.push({ ...last, message: `YAML: and ${more} more errors after these` });
  return shown;
}

function readScenarioText(file: string): string {
  const whole = { file, line: 0, column: 0 };
  if (!existsSync(file)) throw new ScenarioLoadError([{ ...whole, message: 'no such file' }]);
  const { size } = statSync(file);
  if (size > limits.fileBytes) {
    throw new ScenarioLoadError([{ ...whole, message: `is ${size} bytes; a scenario is at most ${limits.fileBytes}` }]);
  }
  return readFileSync(file, 'utf8');
}

/** The document as plain data; an empty file or an alias to nothing is refused where it is written. */
function toData(doc: Document, file: string, lineCounter: LineCounter): unknown {
  if (doc.contents === null) {
    throw new ScenarioLoadError([{ file, line: 1, column: 1, message: 'the file is empty; a scenario needs name, start and steps' }]);
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
    throw new ScenarioLoadError([{ file, ...positionOf(lineCounter, unresolvedAt), message }]);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
