import { Temporal } from 'temporal-polyfill';
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import { currencyPattern, expiryPolicies, localDatePattern, programKeyPattern, ProgramSchema, tierBases } from './schema.js';
import { ruleProblems } from './validate-rules.js';

/**
 * Checks a parsed definition: pure, no I/O. Each problem names the path of keys it concerns, so
 * the loader can turn it into a line and column, and says what to write instead.
 */

export type DefinitionPath = readonly (string | number)[];

export interface DefinitionProblem {
  path: DefinitionPath;
  /** Point at the key itself (an unknown key) rather than at its value. */
  onKey?: boolean;
  message: string;
}

export function validateDefinition(data: unknown, folderName: string): DefinitionProblem[] {
  return [
    ...schemaProblems(data),
    ...variantProblems(data, 'expiry', 'policy', expiryPolicies),
    ...variantProblems(data, 'tiers', 'basis', tierBases),
    ...keyProblems(data, folderName),
    ...timeZoneProblems(data),
    ...ruleProblems(data),
  ];
}

/** The keys whose value is one of several variants, told apart by one of its keys. */
const variantKeys = ['expiry', 'tiers'];

/**
 * Everything outside the variant keys. TypeBox reports a failed union as the errors of every
 * variant; `variantProblems` instead checks the one variant its discriminator names.
 */
function schemaProblems(data: unknown): DefinitionProblem[] {
  return Value.Errors(ProgramSchema, data)
    .filter((error) => !variantKeys.some((key) => isWithin(error.instancePath, `/${key}`)))
    .flatMap((error) => describe(error, data, ProgramSchema, []));
}

/** `expiry` by its `policy`, `tiers` by its `basis`. A missing required key is the schema's to report. */
function variantProblems(data: unknown, key: string, discriminator: string, variants: Readonly<Record<string, TSchema>>): DefinitionProblem[] {
  if (!isRecord(data) || !Object.hasOwn(data, key)) return [];
  const value = data[key];
  const names = Object.keys(variants).join(', ');
  if (!isRecord(value)) return [{ path: [key], message: `${key} must be a mapping with a ${discriminator} (${names})` }];
  if (!Object.hasOwn(value, discriminator)) {
    return [{ path: [key], message: `missing required key "${key}.${discriminator}" (${names})` }];
  }
  const name = value[discriminator];
  const schema = typeof name === 'string' && Object.hasOwn(variants, name) ? variants[name] : undefined;
  if (schema === undefined) {
    return [{ path: [key, discriminator], message: `${key}.${discriminator} ${shown(name)} must be one of: ${names}` }];
  }
  return Value.Errors(schema, value).flatMap((error) => describe(error, value, schema, [key]));
}

function keyProblems(data: unknown, folderName: string): DefinitionProblem[] {
  if (!isRecord(data) || typeof data.key !== 'string' || data.key === folderName) return [];
  const message = `key ${shown(data.key)} must equal its folder's name "${folderName}" (a program is found by its folder)`;
  return [{ path: ['key'], message }];
}

/** Only IANA zones know their daylight saving rules; a fixed offset would be wrong half the year. */
function timeZoneProblems(data: unknown): DefinitionProblem[] {
  if (!isRecord(data) || typeof data.timeZone !== 'string' || data.timeZone === '') return [];
  const written = data.timeZone;
  const id = timeZoneIdOf(written);
  const problem = (message: string) => [{ path: ['timeZone'], message: `timeZone ${shown(written)} ${message}` }];
  if (id === undefined) return problem('is not an IANA time zone (like "Asia/Tokyo" or "America/Los_Angeles")');
  if (/^[+-]/.test(id)) {
    return problem('is a UTC offset; use an IANA time zone (like "Asia/Tokyo"), which knows daylight saving time');
  }
  if (id !== written) return problem(`must be written "${id}"`);
  return [];
}

/** Temporal's canonical spelling of a time zone, or undefined when Temporal does not know it. */
function timeZoneIdOf(timeZone: string): string | undefined {
  try {
    return new Temporal.ZonedDateTime(0n, timeZone).timeZoneId;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** One TypeBox error as sentences a person can act on; `value` and `schema` are where it was checked. */
function describe(
  error: TLocalizedValidationError,
  value: unknown,
  schema: unknown,
  prefix: DefinitionPath,
): DefinitionProblem[] {
  const segments = pointerSegments(error.instancePath);
  const path = [...prefix, ...segments];
  switch (error.keyword) {
    case 'boolean':
      // The `false` schema of additionalProperties; the additionalProperties error reports it once per key.
      return [];
    case 'additionalProperties': {
      const allowed = propertyNamesAt(schema, error.schemaPath).join(', ');
      return error.params.additionalProperties.map((key) => ({
        path: [...path, key],
        onKey: true,
        message: `unknown key "${dotted([...path, key])}" (allowed here: ${allowed})`,
      }));
    }
    case 'required':
      return error.params.requiredProperties.map((key) => ({
        path,
        message: `missing required key "${dotted([...path, key])}"`,
      }));
    default: {
      const subject = [dotted(path), shown(valueAt(value, segments))].filter((part) => part !== '').join(' ');
      return [{ path, message: `${subject} ${reasonFor(error)}` }];
    }
  }
}

const patternReasons: Record<string, string> = {
  // Program keys and rule ids share the pattern.
  [programKeyPattern]: 'must be lowercase kebab-case, like "flets-club" or "holiday-5x"',
  [currencyPattern]: 'must be an ISO 4217 currency code of three capital letters, like "JPY" or "USD"',
  [localDatePattern]: 'must be a date written YYYY-MM-DD, like "2014-12-31"',
};

const typeNames: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a text',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
};

function reasonFor(error: TLocalizedValidationError): string {
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(error.params.type) ? error.params.type : [error.params.type];
      return `must be ${types.map((type) => typeNames[type] ?? type).join(' or ')}`;
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
    case 'enum':
      return `must be one of: ${error.params.allowedValues.join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'pattern': {
      const pattern = typeof error.params.pattern === 'string' ? error.params.pattern : error.params.pattern.source;
      return patternReasons[pattern] ?? `must match ${pattern}`;
    }
    default:
      return error.message;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWithin(instancePath: string, prefix: string): boolean {
  return instancePath === prefix || instancePath.startsWith(`${prefix}/`);
}

/** JSON Pointer (RFC 6901) segments, unescaped. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
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

function dotted(path: DefinitionPath): string {
  return path.length === 0 ? 'the program' : path.join('.');
}

/** A value as it appears in a message: quoted text, plain numbers, nothing for mappings and lists. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return '';
}
