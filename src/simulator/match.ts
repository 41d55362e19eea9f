import { Temporal } from 'temporal-polyfill';

/**
 * The matching rules of expectations (docs/simulator.md), pure:
 * - a mapping matches when every key it names matches; other keys of the actual value are ignored;
 * - a list matches element by element and must have the same length, unless written
 *   `{ contains: [...] }`: then each expected item matches a different actual item, in any order;
 * - `{ includes: "text" }` (or a list of texts) matches a text holding each, as in a mail's body;
 * - two instants match when they are the same instant, whatever offset each is written with;
 * - anything else matches when equal (`500` is not `"500"`).
 */

export interface Mismatch {
  /** Where, like `body.results[0].status`. */
  path: string;
  message: string;
}

/** Bounds the work of `contains`, which tries every pair. */
const maxContainsPairs = 1_000_000;

export function match(expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (isContains(expected)) return matchContains(expected.contains, actual, path);
  if (isIncludes(expected)) return matchIncludes(expected.includes, actual, path);
  if (Array.isArray(expected)) return matchList(expected, actual, path);
  if (isRecord(expected)) return matchMapping(expected, actual, path);
  if (sameScalar(expected, actual)) return [];
  return [{ path, message: `expected ${show(expected)}, got ${show(actual)}` }];
}

export function matches(expected: unknown, actual: unknown): boolean {
  return match(expected, actual, '').length === 0;
}

function matchMapping(expected: Record<string, unknown>, actual: unknown, path: string): Mismatch[] {
  if (!isRecord(actual)) return [{ path, message: `expected a mapping, got ${show(actual)}` }];
  return Object.entries(expected).flatMap(([key, value]) => {
    const at = join(path, key);
    if (!Object.hasOwn(actual, key)) return [{ path: at, message: `expected ${show(value)}, but there is no "${key}"` }];
    return match(value, actual[key], at);
  });
}

function matchList(expected: unknown[], actual: unknown, path: string): Mismatch[] {
  if (!Array.isArray(actual)) return [{ path, message: `expected a list of ${count(expected.length)}, got ${show(actual)}` }];
  if (actual.length !== expected.length) {
    return [{ path, message: `expected ${count(expected.length)}, got ${count(actual.length)}: ${show(actual, 200)}` }];
  }
  return expected.flatMap((item, index) => match(item, actual[index], `${path}[${index}]`));
}

/** Each expected item needs an actual item of its own: a maximum bipartite matching (augmenting paths). */
function matchContains(expected: unknown[], actual: unknown, path: string): Mismatch[] {
  if (!Array.isArray(actual)) return [{ path, message: `expected a list containing ${count(expected.length)}, got ${show(actual)}` }];
  if (expected.length * actual.length > maxContainsPairs) {
    return [{ path, message: `contains compares ${expected.length} × ${actual.length} items; at most ${maxContainsPairs} pairs` }];
  }
  const fits = expected.map((item) => actual.map((candidate) => matches(item, candidate)));
  const ownerOf: (number | undefined)[] = actual.map(() => undefined);
  const assign = (e: number, seen: Set<number>): boolean => {
    for (const [a, fit] of (fits[e] ?? []).entries()) {
      if (!fit || seen.has(a)) continue;
      seen.add(a);
      const owner = ownerOf[a];
      if (owner === undefined || assign(owner, seen)) {
        ownerOf[a] = e;
        return true;
      }
    }
    return false;
  };
  return expected.flatMap((item, e) => {
    if (assign(e, new Set())) return [];
    return [{ path: `${path}.contains[${e}]`, message: `none of the ${count(actual.length)} matches ${show(item)}${taken(expected.length)}` }];
  });
}

function matchIncludes(parts: string | string[], actual: unknown, path: string): Mismatch[] {
  const texts = typeof parts === 'string' ? [parts] : parts;
  if (typeof actual !== 'string') return [{ path, message: `expected a text including ${show(parts)}, got ${show(actual)}` }];
  return texts.filter((text) => !actual.includes(text)).map((text) => ({ path, message: `expected a text including ${show(text)}, got ${show(actual)}` }));
}

/** With several expected items, an item may match but be another's already. */
function taken(expectedItems: number): string {
  return expectedItems > 1 ? ' (apart from those the other expected items took)' : '';
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'string' || typeof actual !== 'string') return false;
  const [a, b] = [instantOf(expected), instantOf(actual)];
  return a !== undefined && b !== undefined && Temporal.Instant.compare(a, b) === 0;
}

/** A date and time with an offset or Z, as the API writes instants; anything else is plain text. */
const instantShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function instantOf(text: string): Temporal.Instant | undefined {
  if (!instantShape.test(text)) return undefined;
  try {
    return Temporal.Instant.from(text);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function isContains(value: unknown): value is { contains: unknown[] } {
  return isRecord(value) && Object.keys(value).length === 1 && Array.isArray(value.contains);
}

function isIncludes(value: unknown): value is { includes: string | string[] } {
  if (!isRecord(value) || Object.keys(value).length !== 1) return false;
  const { includes } = value;
  return typeof includes === 'string' || (Array.isArray(includes) && includes.every((part) => typeof part === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? segment : `${path}.${segment}`;
}

function count(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

/** A value in one line, cut at a length a terminal shows. */
export function show(value: unknown, maxLength = 300): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
