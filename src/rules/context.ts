import { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';

/**
 * Turns a JS context into CEL values. CEL has int64 (BigInt in cel-js) apart from double, and
 * `1 == 1.0` is a type error there, so every whole JS number becomes an int: an amount of 500
 * compares with `500` as written in a condition. Instants become CEL timestamps (JS `Date`,
 * millisecond precision), compared with `timestamp("2014-11-27T00:00:00-08:00")`. Plain dates and
 * months stay ISO strings ("2014-11-27", "2025-04"), which order like the dates they name.
 * `undefined` fields are left out, so `has(x.field)` tells whether a fact was given (an `undefined`
 * list item becomes `null`).
 */
export type CelValue = bigint | number | string | boolean | null | Date | CelValue[] | { [key: string]: CelValue };

/** Deeper than any fact a rule reads; it also stops a cycle. */
const maxDepth = 16;

export function toCelContext(context: Readonly<Record<string, unknown>>): Record<string, CelValue> {
  return toCelMap(context, 0);
}

/**
 * Facts converted once, for evaluating many conditions (or one condition per order line) without
 * converting the shared part again: `celContext({ order, member }).with({ line })`.
 */
export class CelContext {
  readonly values: Readonly<Record<string, CelValue>>;

  constructor(values: Readonly<Record<string, CelValue>>) {
    this.values = values;
  }

  /** These facts and `more` (converted now); a name in `more` replaces the same name here. */
  with(more: Readonly<Record<string, unknown>>): CelContext {
    return new CelContext({ ...this.values, ...toCelContext(more) });
  }
}

export function celContext(context: Readonly<Record<string, unknown>>): CelContext {
  return new CelContext(toCelContext(context));
}

function toCelMap(value: object, depth: number): { [key: string]: CelValue } {
  const out: { [key: string]: CelValue } = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    out[key] = toCelValue(child, depth + 1);
  }
  return out;
}

function toCelValue(value: unknown, depth: number): CelValue {
  assert(depth <= maxDepth, `a rule context is at most ${maxDepth} levels deep`);
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'bigint':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) return null;
      if (value instanceof Temporal.Instant) return new Date(value.epochMilliseconds);
      if (value instanceof Temporal.ZonedDateTime) return new Date(value.epochMilliseconds);
      if (value instanceof Temporal.PlainDate || value instanceof Temporal.PlainYearMonth) return value.toString();
      if (value instanceof Date) return value;
      if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined ? null : toCelValue(item, depth + 1)));
      assert(isPlainObject(value), `a rule context holds plain data, got a ${value.constructor.name}`);
      return toCelMap(value, depth);
    default:
      // Functions and symbols are not facts; a caller passing them has a bug.
      assert(false, `a rule context holds only data, got ${typeof value}`);
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
