import { assert } from '../errors.js';

/** The keys leading to a value of a parsed definition: `['expiry', 'policy']`, `['steps', 2, 'adjust']`. */
export type DefinitionPath = readonly (string | number)[];

/** One thing wrong with a parsed definition, at a path of keys the loader turns into a line and column. */
export interface DefinitionProblem {
  path: DefinitionPath;
  /** Point at the key itself (an unknown key) rather than at its value. */
  onKey?: boolean;
  message: string;
}

/** One thing wrong with a definition file. `line` and `column` are 1-based; 0 means the whole file. */
export interface DefinitionLoadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** What reading or parsing a file gives: its value, or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: DefinitionLoadProblem[] };

/** `file:line:column: message`, the form editors and terminals turn into links. */
export function formatProblem(problem: DefinitionLoadProblem): string {
  const at = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${at}: ${problem.message}`;
}

/** Orders problems as a reader meets them: by line, then column; equal places keep their order. */
export function inFileOrder(a: DefinitionLoadProblem, b: DefinitionLoadProblem): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * Thrown when a definition is wrong: it names every problem found, one `formatProblem` line each,
 * and nothing of the file is used. Each domain throws its own subclass (`ProgramLoadError`), named
 * after it. With `heading`, the message starts with the count: `2 problems in program definitions:`.
 */
export class DefinitionLoadError extends Error {
  readonly errors: readonly DefinitionLoadProblem[];

  constructor(errors: readonly DefinitionLoadProblem[], heading?: string) {
    assert(errors.length > 0, `a ${new.target.name} names at least one problem`);
    const lines = errors.map(formatProblem).join('\n');
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(heading === undefined ? lines : `${count} in ${heading}:\n${lines}`);
    this.name = new.target.name;
    this.errors = errors;
  }
}
