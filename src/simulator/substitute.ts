import type { MailView } from './mail.js';
import { iterationName, lastMailName, lastResponseName } from './schema.js';

/**
 * `{alice}`, `{rikuKey}`, `{lastResponse.body.transactionId}` and `{lastMail.token}` in paths,
 * bodies, headers and expectations. Every `{name}` or `{name.key…}` written as an identifier is a
 * substitution: a name nobody remembered fails the step rather than go to the API as text.
 */

export interface RecordedResponse {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface Names {
  /** Alias → the member as the enrol step's response gave it (`id`, `externalId`, …). */
  members: ReadonlyMap<string, Record<string, unknown>>;
  /** Values kept by `remember:` (one namespace with members: check.ts refuses a clash). */
  values: ReadonlyMap<string, unknown>;
  /** The response to the latest request of an earlier step. */
  lastResponse: RecordedResponse | undefined;
  /** The mail the latest earlier mail step read. */
  lastMail: MailView | undefined;
}

export class SubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

const placeholder = /\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}/g;
const wholePlaceholder = /^\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}$/;

/** Every reference written in the strings of `value` (`alice`, `lastResponse.body.id`, …). */
export function referencesIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(placeholder)].map((match) => match[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (isRecord(value)) return Object.values(value).flatMap(referencesIn);
  return [];
}

/** The name a reference starts with: `alice` of `alice.externalId`. */
export function rootOf(reference: string): string {
  return reference.split('.')[0] ?? reference;
}

/**
 * `value` with every reference replaced. A string that is one reference alone takes the value's
 * own type (`points: "{lastResponse.body.points}"` stays a number); inside text it is written out.
 */
export function substitute(value: unknown, names: Names): unknown {
  if (typeof value === 'string') {
    const whole = wholePlaceholder.exec(value)?.[1];
    if (whole !== undefined) return resolve(whole, names);
    return value.replace(placeholder, (_, reference: string) => asText(resolve(reference, names)));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, names));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, names)]));
  return value;
}

/** A string with its references replaced, as text (paths and header values). */
export function substituteText(text: string, names: Names): string {
  return text.replace(placeholder, (_, reference: string) => asText(resolve(reference, names)));
}

const iterationToken = `{${iterationName}}`;

/**
 * A repeated step for one iteration: every `{i}` in its strings becomes `i`. A string that is
 * `{i}` alone becomes the number (`points: "{i}"`); inside text it is written out (`B-{i}` → `B-7`).
 * Keys are left alone. Runs before the other substitutions, so `{i}` never names a member.
 */
export function withIteration(value: unknown, i: number): unknown {
  if (typeof value === 'string') return value === iterationToken ? i : value.replaceAll(iterationToken, String(i));
  if (Array.isArray(value)) return value.map((item) => withIteration(item, i));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withIteration(item, i)]));
  return value;
}

function resolve(reference: string, names: Names): unknown {
  const [root = '', ...keys] = reference.split('.');
  let value = rootValue(reference, root, names);
  // `{alice}` alone is alice's id; `{alice.externalId}` a field of her enrol answer.
  if (keys.length === 0 && names.members.has(root)) return names.members.get(root)?.id;
  for (const [index, key] of keys.entries()) {
    const next = Array.isArray(value) ? value[Number(key)] : isRecord(value) ? value[key] : undefined;
    if (next === undefined) throw new SubstitutionError(`{${reference}}: there is nothing at ${[root, ...keys.slice(0, index + 1)].join('.')}${mailHint(root, keys, names)}`);
    value = next;
  }
  return value;
}

function rootValue(reference: string, root: string, names: Names): unknown {
  if (root === lastResponseName) {
    if (!names.lastResponse) throw new SubstitutionError(`{${reference}}: no earlier step has made a request`);
    return names.lastResponse;
  }
  if (root === lastMailName) {
    if (!names.lastMail) throw new SubstitutionError(`{${reference}}: no earlier mail step has read a mail`);
    return names.lastMail;
  }
  const member = names.members.get(root);
  if (member) return member;
  if (names.values.has(root)) return names.values.get(root);
  const known = [...names.members.keys(), ...names.values.keys()].join(', ') || 'none yet';
  throw new SubstitutionError(`{${reference}}: no member or value is remembered as "${root}" (remembered: ${known})`);
}

/** `{lastMail.token}` of a mail without a link says which mail it was. */
function mailHint(root: string, keys: readonly string[], names: Names): string {
  if (root !== lastMailName || !names.lastMail || keys.length !== 1) return '';
  const { subject, template } = names.lastMail;
  const what = keys[0] === 'key' ? 'six-digit key' : keys[0] === 'token' || keys[0] === 'link' ? 'link with #token=' : undefined;
  return what === undefined ? '' : ` (the mail ${JSON.stringify(subject)}, ${template}, has no ${what})`;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
