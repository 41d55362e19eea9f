import { Temporal } from 'temporal-polyfill';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { describeError, shown, type DefinitionPath, type DefinitionProblem, type Wording } from '../definitions/index.js';
import { currencyPattern, expiryPolicies, localDatePattern, programKeyPattern, ProgramSchema, tierBases } from './schema.js';
import { ruleProblems } from './validate-rules.js';

// validate-rules.ts imports these from here.
export type { DefinitionPath, DefinitionProblem };

/**
 * Checks a parsed definition: pure, no I/O. Each problem names the path of keys it concerns, so
 * the loader can turn it into a line and column, and says what to write instead.
 */
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
    .flatMap((error) => describeError(error, data, ProgramSchema, [], wording));
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
  return Value.Errors(schema, value).flatMap((error) => describeError(error, value, schema, [key], wording));
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

const patternReasons: Record<string, string> = {
  // Program keys and rule ids share the pattern.
  [programKeyPattern]: 'must be lowercase kebab-case, like "flets-club" or "holiday-5x"',
  [currencyPattern]: 'must be an ISO 4217 currency code of three capital letters, like "JPY" or "USD"',
  [localDatePattern]: 'must be a date written YYYY-MM-DD, like "2014-12-31"',
};

/** Paths read as keys joined by dots (`expiry.policy`, `earning.rules.0.id`); unknown keys are named by the whole path. */
const wording: Wording = {
  pathName: (path: DefinitionPath) => (path.length === 0 ? 'the program' : path.join('.')),
  keys: 'whole-path',
  patternReasons,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWithin(instancePath: string, prefix: string): boolean {
  return instancePath === prefix || instancePath.startsWith(`${prefix}/`);
}
