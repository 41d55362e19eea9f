import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import type { JsonSchema } from './openapi-operations.js';

/**
 * Values generated from a documented JSON Schema: valid ones, to build a request around one bad
 * part, and clearly invalid ones (RELIABILITY.md K1). "Invalid" is decided, not assumed: the
 * schema refuses it (after the string-to-number conversion Fastify applies to the path, query and
 * headers), or it holds text that is not well-formed Unicode or holds NUL, which the API refuses
 * everywhere (decision 69).
 */

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` is well-formed UTF-16 (String.prototype.isWellFormed, not in our ES2022 lib). */
export function wellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/** Text PostgreSQL cannot store, or that would not come back as sent. */
export function badText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !wellFormed(value);
  if (Array.isArray(value)) return value.some(badText);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, child]) => badText(key) || badText(child));
  return false;
}

/**
 * What the server's validator (the type provider's `Value.Convert`) turns a path, query or header
 * string into before it checks it. TypeBox converts only schemas it built, not the document's JSON,
 * so its rules are repeated here: numeric text, `true`/`false` and "" are numbers (an integer's
 * fraction cut off), and `1`/`0` and any case of true/false are booleans.
 */
function converted(schema: JsonSchema, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (schema.type === 'integer' || schema.type === 'number') {
    const number = /^(true|false)$/.test(value) ? Number(value === 'true') : value === '' ? 0 : Number(value);
    if (!Number.isFinite(number) || /^\s*(NaN|[+-]?Infinity)\s*$/.test(value)) return value;
    return schema.type === 'integer' ? Math.trunc(number) : number;
  }
  if (schema.type === 'boolean' && /^(true|false|1|0)$/i.test(value)) return /^(true|1)$/i.test(value);
  return value;
}

// Compiled once per schema: generation checks every candidate.
const validators = new WeakMap<JsonSchema, (value: unknown) => boolean>();
function check(schema: JsonSchema, value: unknown): boolean {
  let validator = validators.get(schema);
  if (!validator) {
    const compiled = Compile(schema as never);
    validator = (v) => compiled.Check(v);
    validators.set(schema, validator);
  }
  return validator(value);
}

export function isValid(schema: JsonSchema, value: unknown, options: { fromText?: boolean } = {}): boolean {
  if (badText(value)) return false;
  if (!check(schema, value)) return options.fromText === true && check(schema, converted(schema, value));
  return true;
}

const month = () => fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
const instant = () => fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }).map((ms) => new Date(ms).toISOString());

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? min + 24, min + 24);
  const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity);
  if (schema.format === 'date-time') return instant();
  if (schema.format === 'date') return instant().map((s) => s.slice(0, 10));
  if (schema.format === 'email') return fc.constantFrom('hanako@example.jp', 'taro.k1@example.com');
  if (schema.format === 'uri' || schema.format === 'url') return fc.constant('https://hooks.example.test/k1');
  if (schema.pattern === '^\\d{4}-(0[1-9]|1[0-2])$') return month();
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
}

/** A value the schema accepts (optional properties sometimes left out). */
export function validValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((branch) => validValue(branch, depth + 1)));
  switch (schema.type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const model = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, validValue(child, depth + 1)]));
      // Beyond two levels, only what is required: enough to reach the part being broken.
      const keys = Object.keys(properties).filter((name) => required.has(name) || depth < 2);
      return fc.record(Object.fromEntries(keys.map((k) => [k, model[k] as fc.Arbitrary<unknown>])), { requiredKeys: [...required] });
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(schema.items ? validValue(schema.items, depth + 1) : fc.constant(null), { minLength, maxLength: Math.min(schema.maxItems ?? minLength + 2, minLength + 2) });
    }
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, (schema.exclusiveMinimum ?? -Infinity) + 1, -1e6), max: Math.min(schema.maximum ?? 1e6, (schema.exclusiveMaximum ?? Infinity) - 1, 1e6) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.constant('any');
  }
}

/** Strings that break something somewhere: bounds, encodings, dates, numbers in text, injection. */
export const nastyStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'k1\u0000nul',
  '\ud800',
  'lone \udfff surrogate',
  'k1\ud83d',
  '\u202eevil\u202c',
  'e\u0301\u0301\u0301',
  '\ufeffbom',
  '１２３',
  'ｶﾀｶﾅ',
  '😀'.repeat(300),
  'x'.repeat(70_000),
  '2026-02-30T00:00:00+09:00',
  '2026-13-01T00:00:00Z',
  '9999-99-99T99:99:99Z',
  '+275760-09-13T00:00:00.001Z',
  '2026-02-29',
  '0000-00',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '-9223372036854775809',
  '0x10',
  'null',
  "' or 1=1 --",
  '"; drop table ledger_postings; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
];

export const nastyNumbers: readonly number[] = [-1, -0, 0.5, -1.5, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE];

const wrongShapes: readonly unknown[] = [null, true, false, 0, 1, [], {}, ['k1'], { k1: 1 }, [[[[[]]]]], { __proto__: { polluted: true } }];

function violations(schema: JsonSchema, depth: number): fc.Arbitrary<unknown>[] {
  const generic: fc.Arbitrary<unknown>[] = [fc.constantFrom(...wrongShapes), fc.constantFrom(...nastyStrings), fc.constantFrom(...nastyNumbers), fc.string({ unit: 'binary', maxLength: 40 })];
  if (schema.type === 'string' && schema.maxLength !== undefined) generic.push(fc.string({ minLength: schema.maxLength + 1, maxLength: schema.maxLength + 40 }));
  if (schema.type === 'object' && schema.properties && depth < 4) generic.push(brokenObject(schema, depth));
  if (schema.type === 'array' && schema.items && depth < 4) generic.push(brokenArray(schema, depth));
  return generic;
}

/** A value the schema refuses (or `undefined` when no candidate is refused: an open schema). */
export function invalidValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof(...violations(schema, depth)).filter((value) => !isValid(schema, value));
}

/** An object with one thing wrong: a required key missing, an unknown key, or a property broken. */
function brokenObject(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const base = validValue(schema, depth) as fc.Arbitrary<Record<string, unknown>>;
  const changes: fc.Arbitrary<(value: Record<string, unknown>) => Record<string, unknown>>[] = [
    fc.constantFrom(...(schema.required ?? ['k1-none'])).map((key) => (value) => omit(value, key)),
    fc.tuple(fc.constantFrom('k1Unknown', 'balance', 'isAdmin', 'ünknown', '\u0000'), fc.constantFrom(...wrongShapes)).map(([key, extra]) => (value) => ({ ...value, [key]: extra })),
  ];
  if (properties.length > 0) {
    changes.push(fc.constantFrom(...properties).chain(([key, child]) => invalidValue(child, depth + 1).map((bad) => (value: Record<string, unknown>) => ({ ...value, [key]: bad }))));
  }
  return fc.tuple(base, fc.oneof(...changes)).map(([value, change]) => change(value));
}

function brokenArray(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const items = schema.items ?? {};
  const tooMany = schema.maxItems !== undefined && schema.maxItems <= 1000 ? [validValue(items, depth + 1).map((item) => Array.from({ length: (schema.maxItems ?? 0) + 1 }, () => item))] : [];
  return fc.oneof(
    fc.tuple(fc.array(validValue(items, depth + 1), { maxLength: 2 }), invalidValue(items, depth + 1)).map(([good, bad]) => [...good, bad]),
    fc.constant([]),
    ...tooMany,
  );
}

function omit(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
