import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseDefinition, type ParsedDefinition, type ParseOptions } from './parse.js';
import type { Checked } from './problems.js';

export interface DefinitionFileOptions extends ParseOptions {
  /** A definition is a page of YAML; a larger file is refused before it is read. */
  maxBytes: number;
  /** The kind of file, for the size refusal: `is 300000 bytes; a scenario is at most 262144`. */
  kind: string;
}

/** Reads and parses one definition file; a missing or oversized file is a problem of the whole file. */
export function readDefinition(file: string, options: DefinitionFileOptions): Checked<ParsedDefinition> {
  const text = readDefinitionText(file, options);
  return text.ok ? parseDefinition(text.value, file, options) : text;
}

/** The text of a definition file, or why it cannot be read (reported at line 0: the whole file). */
export function readDefinitionText(file: string, options: Pick<DefinitionFileOptions, 'maxBytes' | 'kind'>): Checked<string> {
  const whole = { file, line: 0, column: 0 };
  if (!existsSync(file)) return { ok: false, problems: [{ ...whole, message: 'no such file' }] };
  const { size } = statSync(file);
  if (size > options.maxBytes) {
    return { ok: false, problems: [{ ...whole, message: `is ${size} bytes; ${options.kind} is at most ${options.maxBytes}` }] };
  }
  return { ok: true, value: readFileSync(file, 'utf8') };
}
