import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import type { DefinitionPath, DefinitionProblem } from './problems.js';

/** How a domain's problems read; the reasons themselves ("must be a whole number") are shared. */
export interface Wording {
  /** A path as a person reads it (`expiry.policy`, `step 3: adjust.points`); `[]` names the whole file. */
  pathName(path: DefinitionPath): string;
  /**
   * Where an unknown or missing key is named: inside the quotes with its whole path
   * (`unknown key "expiry.yearsAfer"`), or after its parent (`step 1: unknown key "expct"`).
   */
  keys: 'whole-path' | 'after-parent';
  /** Sentences for the patterns the schema uses, said instead of `must match <pattern>`. */
  patternReasons?: Readonly<Record<string, string>>;
}

/** Every TypeBox error of `value` against `schema`, as sentences a person can act on. */
export function schemaProblems(schema: TSchema, value: unknown, prefix: DefinitionPath, wording: Wording): DefinitionProblem[] {
  return Value.Errors(schema, value).flatMap((error) => describeError(error, value, schema, prefix, wording));
}

/** One TypeBox error as problems; `value` and `schema` are where it was checked, found at `prefix`. */
export function describeError(
  error: TLocalizedValidationError,
  value: unknown,
  schema: unknown,
  prefix: DefinitionPath,
  wording: Wording,
): DefinitionProblem[] {
  const segments = pointerSegments(error.instancePath);
  const path = [...prefix, ...segments];
  switch (error.keyword) {
    case 'boolean':
      // The `false` schema of additionalProperties; the additionalProperties error names each key once.
      return [];
    case 'additionalProperties': {
      const allowed = propertyNamesAt(schema, error.schemaPath).join(', ');
      return error.params.additionalProperties.map((key) => ({
        path: [...path, key],
        onKey: true,
        message: `${keyNamed('unknown key', path, key, wording)} (allowed here: ${allowed})`,
      }));
    }
    case 'required':
      return error.params.requiredProperties.map((key) => ({ path, message: keyNamed('missing required key', path, key, wording) }));
    default: {
      const actual = valueAt(value, segments);
      const message = [wording.pathName(path), shown(actual), reasonFor(error, actual, schema, wording)].filter((part) => part !== '').join(' ');
      return [{ path, message }];
    }
  }
}

/** A value as it appears in a message: quoted text, plain numbers, nothing for mappings and lists. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return '';
}

function keyNamed(what: string, path: DefinitionPath, key: string, wording: Wording): string {
  if (wording.keys === 'whole-path') return `${what} "${wording.pathName([...path, key])}"`;
  return path.length === 0 ? `${what} "${key}"` : `${wording.pathName(path)}: ${what} "${key}"`;
}

const typeNames: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a text',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
};

function reasonFor(error: TLocalizedValidationError, actual: unknown, schema: unknown, wording: Wording): string {
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(error.params.type) ? error.params.type : [error.params.type];
      // YAML reads `externalId: 1001` as a number; the fix is quotes.
      const unquoted = types.includes('string') && (typeof actual === 'number' || typeof actual === 'boolean');
      const hint = unquoted ? ` (quote it: "${String(actual)}")` : '';
      return `must be ${types.map((type) => typeNames[type] ?? type).join(' or ')}${hint}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${error.params.comparison} ${error.params.limit}`;
    case 'minLength':
      return error.params.limit === 1 ? 'must not be empty' : `must be at least ${error.params.limit} characters`;
    case 'maxLength':
      return `must be at most ${error.params.limit} characters`;
    case 'minItems':
      return `must have at least ${error.params.limit} item${error.params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${error.params.limit} items`;
    case 'minProperties': {
      const names = propertyNamesAt(schema, error.schemaPath.replace(/\/minProperties$/, ''));
      // A mapping of free keys (a Record) has no names to offer.
      if (names.length === 0) return `must have at least ${error.params.limit} key${error.params.limit === 1 ? '' : 's'}`;
      return `must name at least ${error.params.limit} of: ${names.join(', ')}`;
    }
    case 'enum':
      return `must be one of: ${error.params.allowedValues.join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'pattern': {
      const pattern = typeof error.params.pattern === 'string' ? error.params.pattern : error.params.pattern.source;
      return wording.patternReasons?.[pattern] ?? `must match ${pattern}`;
    }
    default:
      return error.message;
  }
}

/** JSON Pointer (RFC 6901) segments, unescaped; list indices become numbers. */
function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

function valueAt(value: unknown, segments: DefinitionPath): unknown {
  let node = value;
  for (const segment of segments) node = typeof node === 'object' && node !== null ? Reflect.get(node, segment) : undefined;
  return node;
}

/** The keys an object schema allows, found by a TypeBox schemaPath like `#/properties/pointValue`. */
function propertyNamesAt(schema: unknown, schemaPath: string): string[] {
  let node = schema;
  for (const segment of pointerSegments(schemaPath.replace(/^#/, ''))) node = isRecord(node) ? node[segment] : undefined;
  return isRecord(node) && isRecord(node.properties) ? Object.keys(node.properties) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
