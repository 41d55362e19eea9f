import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import {
  DefinitionLoadError,
  locate,
  locateProblems,
  parseDefinition,
  readDefinition,
  type ParsedDefinition,
  type DefinitionFileOptions,
  type DefinitionLoadProblem,
} from '../definitions/index.js';
import { checkScenario } from './check.js';
import { limits, type Scenario } from './schema.js';

/** One thing wrong with a scenario file: `file:line:column: message`, as with program files. */
export type ScenarioLoadProblem = DefinitionLoadProblem;

/** Thrown when a scenario file is wrong; it names every problem found, and nothing of it runs. */
export class ScenarioLoadError extends DefinitionLoadError {
  constructor(errors: readonly ScenarioLoadProblem[]) {
    super(errors);
  }
}

const scenarioFile: DefinitionFileOptions = {
  maxBytes: limits.fileBytes,
  kind: 'a scenario',
  whenEmpty: 'a scenario needs name, start and steps',
  syntaxProblems: firstSyntaxErrors,
};

/** Reads, parses and checks one scenario file. */
export function loadScenarioFile(file: string): Scenario {
  const source = readDefinition(file, scenarioFile);
  if (!source.ok) throw new ScenarioLoadError(source.problems);
  const { scenario } = checked(source.value);
  const { programs, ...rest } = scenario;
  // A scenario names its programs relative to itself, so it runs from any working directory.
  return { ...rest, file, programsDir: programs === undefined ? undefined : resolve(dirname(file), programs) };
}

/**
 * A scenario sent as text (the console's simulator page), named `name` in its problems. It runs on
 * the programs it is given, never on a folder it names: `programs:` is refused, since a path of
 * the sender's choosing would be read on the server.
 */
export function loadScenarioText(text: string, name: string): Scenario {
  if (Buffer.byteLength(text) > limits.fileBytes) {
    throw new ScenarioLoadError([{ file: name, line: 0, column: 0, message: `is ${Buffer.byteLength(text)} bytes; a scenario is at most ${limits.fileBytes}` }]);
  }
  const source = parseDefinition(text, name, scenarioFile);
  if (!source.ok) throw new ScenarioLoadError(source.problems);
  const { scenario } = checked(source.value);
  const { programs, ...rest } = scenario;
  if (programs !== undefined) {
    const message = 'programs: a scenario sent to the server runs on the programs it has loaded; remove this key';
    throw new ScenarioLoadError(locateProblems(source.value, [{ path: ['programs'], onKey: true, message }]));
  }
  return { ...rest, file: name, programsDir: undefined };
}

function checked(source: ParsedDefinition) {
  const { scenario, problems } = checkScenario(source.data, (path) => locate(source.doc, source.lineCounter, path).line);
  if (!scenario) throw new ScenarioLoadError(locateProblems(source, problems));
  return { scenario };
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
