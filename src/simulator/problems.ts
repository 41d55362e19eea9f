import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import type { DefinitionPath as KeyPath } from '../programs/index.js';

/** One thing wrong with a scenario, at a path of keys the loader turns into a line and column. */
export interface ScenarioProblem {
  path: KeyPath;
  /** Point at the key itself (an unknown key) rather than at its value. */
  onKey?: boolean;
  message: string;
}

/** Every TypeBox error of `value` against `schema`, as sentences a person can act on. */
export function schemaProblems(schema: TSchema, value: unknown, prefix: KeyPath): ScenarioProblem[] {
  return Value.Errors(schema, value).flatMap((error) => describe(error, value, schema, prefix));
}

function describe(error: TLocalizedValidationError, value: unknown, schema: TSchema, prefix: KeyPath): ScenarioProblem[] {
  const segments = pointerSegments(error.instancePath);
  const path = [...prefix, ...segments];
  switch (error.keyword) {
    case 'boolean':
      // The `false` schema of additionalProperties; that error names each key once.
      return [];
    case 'additionalProperties': {
      const allowed = propertyNamesAt(schema, error.schemaPath).join(', ');
      return error.params.additionalProperties.map((key) => ({
        path: [...path, key],
        onKey: true,
        message: `${where(path)}unknown key "${key}" (allowed here: ${allowed})`,
      }));
    }
    case 'required':
      return error.params.requiredProperties.map((key) => ({ path, message: `${where(path)}missing required key "${key}"` }));
    default: {
      const actual = valueAt(value, segments);
      const message = [dotted(path), shown(actual), reasonFor(error, actual, schema)].filter((part) => part !== '').join(' ');
      return [{ path, message }];
    }
  }
}

const typeNames: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a text',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
};

function reasonFor(error: TLocalizedValidationError, actual: unknown, schema: TSchema): string {
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
      return `must be ${error.params.comparison} ${error.params.limit}`;
    case 'minLength':
      return error.params.limit === 1 ? 'must not be empty' : `must be at least ${error.params.limit} characters`;
    case 'maxLength':
      return `must be at most ${error.params.limit} characters`;
    case 'minItems':
      return `must have at least ${error.params.limit} item${error.params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${error.params.limit} items`;
    case 'minProperties':
      return `must name at least ${error.params.limit} of: ${propertyNamesAt(schema, error.schemaPath.replace(/\/minProperties$/, '')).join(', ')}`;
    case 'enum':
      return `must be one of: ${error.params.allowedValues.join(', ')}`;
    case 'pattern': {
      const pattern = typeof error.params.pattern === 'string' ? error.params.pattern : error.params.pattern.source;
      return `must match ${pattern}`;
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

function valueAt(value: unknown, segments: KeyPath): unknown {
  let node = value;
  for (const segment of segments) node = typeof node === 'object' && node !== null ? Reflect.get(node, segment) : undefined;
  return node;
}

/** The keys an object schema allows, found by a TypeBox schemaPath like `#/properties/adjust`. */
function propertyNamesAt(schema: unknown, schemaPath: string): string[] {
  let node = schema;
  for (const segment of pointerSegments(schemaPath.replace(/^#/, ''))) node = isRecord(node) ? node[segment] : undefined;
  return isRecord(node) && isRecord(node.properties) ? Object.keys(node.properties) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `step 3: adjust: ` before a message about something inside; nothing at the top. */
function where(path: KeyPath): string {
  return path.length === 0 ? '' : `${dotted(path)}: `;
}

/** The path as a person reads it: `step 3: adjust.points`, steps counted from 1 as the report does. */
export function dotted(path: KeyPath): string {
  const [first, second, ...rest] = path;
  if (first === 'steps' && typeof second === 'number') {
    return rest.length === 0 ? `step ${second + 1}` : `step ${second + 1}: ${joined(rest)}`;
  }
  return path.length === 0 ? 'the scenario' : joined(path);
}

function joined(path: KeyPath): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}

/** A value as it appears in a message: quoted text, plain numbers, nothing for mappings and lists. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return '';
}
