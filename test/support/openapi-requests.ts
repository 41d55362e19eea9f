import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { Operation } from './openapi-operations.js';
import { invalidValue, isValid, nastyStrings, validValue, wellFormed } from './openapi-values.js';

/**
 * Requests to one documented operation with at least one part clearly invalid (RELIABILITY.md K1):
 * a path parameter naming nothing or refused by its schema, a query or header value its schema
 * refuses, a body its schema refuses, a body that is not JSON or not of a type we read, or
 * credentials that are not credentials. Every other part is valid, so each bad part is reached.
 */
export interface GeneratedRequest extends InjectOptions {
  url: string;
  /** Which parts were broken, for the failure message. */
  broken: string[];
}

export interface RequestBase {
  /** Real values of the path parameters, by name. */
  pathValues: Record<string, string>;
  /** The bearer token of a caller the route lets through. */
  token: string;
  /** An open route reads a request without credentials as anonymous: only a bad bearer token is bad there. */
  open: boolean;
}

type Part = { kind: 'path'; name: string; raw: string } | { kind: 'query'; name: string; value: string | undefined } | { kind: 'header'; name: string; value: string | undefined } | { kind: 'body'; value: unknown } | { kind: 'content'; type: string; payload: string } | { kind: 'credentials'; header: string };

/** Path segments as a client would put them in a URL, lone surrogates and bad escapes included. */
function pathSegment(value: string): string {
  if (wellFormed(value)) return encodeURIComponent(value);
  return [...value].map((ch) => (wellFormed(ch) ? encodeURIComponent(ch) : `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)).join('');
}

const rawSegments = ['%ZZ', '%', '%C0%AF', '%ED%A0%80', '%00', '%2F..%2F', '%FF%FE'];

function junkPathValue(operation: Operation, name: string): fc.Arbitrary<string> {
  const schema = operation.params.find((p) => p.name === name)?.schema ?? {};
  // Unconstrained ids are refused by naming nothing; constrained ones (a month) by their schema too.
  const named = fc.oneof(fc.constantFrom(...nastyStrings), fc.string({ unit: 'binary', maxLength: 80 }), fc.constant(`mbr_${'9'.repeat(26)}`), fc.constant('x'.repeat(2000)));
  const refused = invalidValue(schema).filter((v): v is string => typeof v === 'string');
  // A value its pattern admits may be meant (a definition check of a program not loaded yet): only refused ones then.
  if (schema.pattern !== undefined || schema.enum !== undefined || schema.format !== undefined) return fc.oneof(refused.map(pathSegment), fc.constantFrom(...rawSegments));
  return fc.oneof(named.map(pathSegment), refused.map(pathSegment), fc.constantFrom(...rawSegments));
}

function queryText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const brokenJson = ['{', '{"points": NaN}', "{'single': 'quotes'}", '{"a":1,}', '[' .repeat(5000), '{"a": 01}', 'nul', '\u0000', '{"a":"\\ud800"', '"unterminated'];
const unreadTypes = ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=k1', 'application/jsonx', 'image/png'];

function contentParts(operation: Operation): fc.Arbitrary<Part> {
  const json = 'application/json';
  const parts: fc.Arbitrary<Part>[] = [
    fc.constantFrom(...brokenJson).map((payload) => ({ kind: 'content', type: json, payload })),
    fc.constant({ kind: 'content', type: json, payload: '' }),
    fc.constantFrom(...unreadTypes).map((type) => ({ kind: 'content', type, payload: 'k1=1' })),
    fc.constant({ kind: 'content', type: json, payload: `{"k1":"${'x'.repeat(1_100_000)}"}` }),
  ];
  // text/plain is read as a string: refused only where the route reads a JSON object.
  if (operation.body) parts.push(fc.constant({ kind: 'content', type: 'text/plain', payload: '{"points":1}' }));
  return fc.oneof(...parts);
}

const badTokens = ['Bearer not-a-token', `Bearer ${'t'.repeat(10_000)}`, 'Bearer pbs_0000000000000000000000000000', 'Bearer test-operator-token-'];
const noCredentials = ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer test-operator-token', ''];

/** The parts of `operation` that can be broken, each as an arbitrary broken part. */
function breakableParts(operation: Operation, open: boolean): fc.Arbitrary<Part>[] {
  const parts: fc.Arbitrary<Part>[] = operation.params.map(({ name }) => junkPathValue(operation, name).map((raw): Part => ({ kind: 'path', name, raw })));
  for (const q of operation.query) {
    const refused = invalidValue(q.schema).map(queryText).filter((text) => text !== undefined && !isValid(q.schema, text, { fromText: true }));
    parts.push((q.required ? fc.oneof(refused, fc.constant(undefined)) : refused).map((value): Part => ({ kind: 'query', name: q.name, value })));
  }
  for (const h of operation.headers) {
    const refused = fc.constantFrom('', ' ', 'a b', 'k1\tkey', 'k'.repeat(300), 'cl\u00e9').filter((v) => !isValid(h.schema, v, { fromText: true }));
    parts.push((h.required ? fc.oneof(refused, fc.constant(undefined)) : refused).map((value): Part => ({ kind: 'header', name: h.name, value })));
  }
  if (operation.body) {
    const bodies = invalidValue(operation.body.schema);
    parts.push((operation.body.required ? fc.oneof(bodies, fc.constant(undefined)) : bodies).map((value): Part => ({ kind: 'body', value })));
  }
  if (operation.method !== 'GET') parts.push(contentParts(operation));
  parts.push(fc.constantFrom(...badTokens, ...(open ? [] : noCredentials)).map((header): Part => ({ kind: 'credentials', header })));
  return parts;
}

/** One or two broken parts; the rest valid. */
export function invalidRequests(operation: Operation, base: RequestBase): fc.Arbitrary<GeneratedRequest> {
  const breakable = breakableParts(operation, base.open);
  const validQuery = fc.record(Object.fromEntries(operation.query.map((q) => [q.name, validValue(q.schema).map(queryText)])), { requiredKeys: operation.query.filter((q) => q.required).map((q) => q.name) });
  const validBody = operation.body ? validValue(operation.body.schema) : fc.constant(undefined);
  const chosen = fc.uniqueArray(fc.nat({ max: breakable.length - 1 }), { minLength: 1, maxLength: Math.min(2, breakable.length) });
  return fc
    .tuple(chosen.chain((indexes) => fc.tuple(...indexes.map((i) => breakable[i] as fc.Arbitrary<Part>))), validQuery, validBody, fc.uuid())
    .map(([broken, query, body, key]) => render(operation, base, broken, query as Record<string, string | undefined>, body, key));
}

function render(operation: Operation, base: RequestBase, broken: Part[], validQuery: Record<string, string | undefined>, validBody: unknown, key: string): GeneratedRequest {
  const find = <K extends Part['kind']>(kind: K, name?: string) => broken.find((p): p is Extract<Part, { kind: K }> => p.kind === kind && (name === undefined || !('name' in p) || p.name === name));
  const url = operation.path.replace(/:(\w+)/gu, (_, name: string) => find('path', name)?.raw ?? encodeURIComponent(base.pathValues[name] ?? 'unknown'));
  const query = { ...validQuery };
  for (const part of broken) if (part.kind === 'query') query[part.name] = part.value;
  const search = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${pathSegment(v)}`).join('&');
  const headers: Record<string, string> = { authorization: find('credentials')?.header ?? `Bearer ${base.token}` };
  for (const h of operation.headers) {
    const part = find('header', h.name);
    const value = part ? part.value : key;
    if (value !== undefined) headers[h.name] = value;
  }
  const content = find('content');
  const bodyPart = find('body');
  const body = bodyPart ? bodyPart.value : validBody;
  let payload: string | undefined;
  if (content) {
    headers['content-type'] = content.type;
    payload = content.payload;
  } else if (body !== undefined && operation.method !== 'GET') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const described = broken.map((p) => `${p.kind}${'name' in p ? `:${p.name}` : ''}`);
  return { method: operation.method, url: search ? `${url}?${search}` : url, headers, ...(payload === undefined ? {} : { payload }), broken: described };
}
