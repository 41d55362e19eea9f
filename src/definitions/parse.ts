import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { positionOf } from './locate.js';
import type { Checked, DefinitionLoadProblem } from './problems.js';

/** A definition file parsed with positions, so a problem found in its data can name a line. */
export interface ParsedDefinition {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain data, for a schema to check. */
  data: unknown;
}

export interface ParseOptions {
  /** What an empty file lacks: `a scenario needs name, start and steps`. */
  whenEmpty: string;
  /** Rewrites the YAML syntax problems before they are reported (the simulator shows the first few). */
  syntaxProblems?: (problems: DefinitionLoadProblem[], text: string) => DefinitionLoadProblem[];
}

/** Anchors may be reused, but a document that expands past this many aliases is an attack, not a definition. */
const maxAliasCount = 100;

/**
 * YAML text as data, or every syntax problem at its line and column. Duplicate keys are syntax
 * problems; an empty file and an alias to no anchor are refused where they are written.
 */
export function parseDefinition(text: string, file: string, options: ParseOptions): Checked<ParsedDefinition> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems = [...doc.errors, ...doc.warnings].map((error) => ({
    file,
    ...positionOf(lineCounter, error.pos[0]),
    message: `YAML: ${error.message}`,
  }));
  if (syntaxProblems.length > 0) return { ok: false, problems: options.syntaxProblems?.(syntaxProblems, text) ?? syntaxProblems };
  if (doc.contents === null) {
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `the file is empty; ${options.whenEmpty}` }] };
  }
  const unresolvedAt = unresolvedAliasAt(doc);
  if (unresolvedAt !== undefined) {
    const message = 'YAML: this alias names no anchor defined before it';
    return { ok: false, problems: [{ file, ...positionOf(lineCounter, unresolvedAt), message }] };
  }
  return { ok: true, value: { file, doc, lineCounter, data: doc.toJS({ maxAliasCount }) } };
}

/** The offset of the first alias naming no anchor; `toJS` would read it as nothing at all. */
function unresolvedAliasAt(doc: Document): number | undefined {
  let unresolvedAt: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      unresolvedAt = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return unresolvedAt;
}
