import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ParsedDefinition } from './parse.js';
import { inFileOrder, type DefinitionLoadProblem, type DefinitionPath, type DefinitionProblem } from './problems.js';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * Where in the file a path of keys is written: its value, or its key when `onKey`. A path that
 * does not exist (a missing key) is reported where its nearest existing parent is written.
 */
export function locate(doc: Document, lineCounter: LineCounter, path: DefinitionPath, onKey = false): Position {
  const node = nodeAt(doc.contents, path, onKey);
  return positionOf(lineCounter, node?.range?.[0] ?? 0);
}

export function positionOf(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The problems of a parsed file, each at its line and column, in file order. */
export function locateProblems(source: ParsedDefinition, problems: readonly DefinitionProblem[]): DefinitionLoadProblem[] {
  return problems
    .map((problem) => ({ file: source.file, ...locate(source.doc, source.lineCounter, problem.path, problem.onKey), message: problem.message }))
    .sort(inFileOrder);
}

function nodeAt(root: unknown, path: DefinitionPath, onKey: boolean): Node | undefined {
  let node = isNode(root) ? root : undefined;
  for (const [index, segment] of path.entries()) {
    const child = childAt(node, segment);
    if (child === undefined) break;
    const wantKey = onKey && index === path.length - 1;
    // `timeZone:` with nothing after it has no value node; its key is the next best place.
    const next = wantKey || !isNode(child.value) ? child.key : child.value;
    if (!isNode(next)) break;
    node = next;
  }
  return node;
}

function childAt(node: Node | undefined, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair && { key: pair.key, value: pair.value };
  }
  if (isSeq(node)) {
    const item: unknown = node.items[Number(segment)];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}
