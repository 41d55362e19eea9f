import type { paths } from './schema';
import { currentSession, saveSession } from './session';

/**
 * The one typed client of the API: paths, parameters, bodies and answers come from the OpenAPI
 * document (schema.d.ts, `npm run api-types`), so a component cannot call what the API lacks.
 */
type Method = 'get' | 'post' | 'delete';
type Operation<P extends keyof paths, M extends Method> = paths[P][M];
export type PathWith<M extends Method> = { [P in keyof paths]: [Operation<P, M>] extends [never | undefined] ? never : P }[keyof paths];

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : R extends { content?: never } ? null : never;
type Success<O> = O extends { responses: infer R } ? { [K in keyof R]: K extends 200 | 201 | 202 | 204 ? JsonOf<R[K]> : never }[keyof R] : never;
type PathParams<O> = O extends { parameters: { path: infer P } } ? (P extends Record<string, string> ? P : Record<string, never>) : Record<string, never>;
type Query<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Answer<P extends PathWith<M>, M extends Method = 'get'> = Success<Operation<P, M>>;
export type RequestBody<P extends PathWith<'post'>> = Body<Operation<P, 'post'>>;

/** An RFC 9457 problem from the API; `params` holds its extensions (available, reasons, cap…). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly params: Record<string, unknown>,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

let language: 'ja' | 'en' = 'ja';
/** Problem titles come back in the UI's language. */
export function setApiLanguage(locale: 'ja' | 'en'): void {
  language = locale;
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/gu, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function queryString(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const entries = Object.entries(query).filter(([, v]) => v !== undefined && v !== null);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

async function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const session = currentSession();
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      'accept-language': language,
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (response.ok) return json;
  const problem = (json ?? {}) as Record<string, unknown>;
  const { status, code, title, detail, type: _type, instance: _instance, ...params } = problem;
  // An expired or ended session: forget it, so the UI asks to log in again.
  if (response.status === 401 && session) saveSession(null);
  throw new ApiError(typeof status === 'number' ? status : response.status, String(code ?? 'error'), String(title ?? response.statusText), String(detail ?? ''), params);
}

export function get<P extends PathWith<'get'>>(
  path: P,
  params: PathParams<Operation<P, 'get'>>,
  query?: Query<Operation<P, 'get'>>,
): Promise<Answer<P>> {
  return send('GET', fill(path, params) + queryString(query)) as Promise<Answer<P>>;
}

export function post<P extends PathWith<'post'>>(
  path: P,
  params: PathParams<Operation<P, 'post'>>,
  body: Body<Operation<P, 'post'>>,
  options: { idempotencyKey?: string; headers?: Record<string, string> } = {},
): Promise<Answer<P, 'post'>> {
  const headers = { ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}), ...options.headers };
  return send('POST', fill(path, params), body ?? {}, headers) as Promise<Answer<P, 'post'>>;
}

export function del<P extends PathWith<'delete'>>(path: P, params: PathParams<Operation<P, 'delete'>>): Promise<unknown> {
  return send('DELETE', fill(path, params));
}

/** A key for one intended change: retries of the same submission reuse it, a new submission gets a new one. */
export function newIdempotencyKey(): string {
  // getRandomValues, unlike randomUUID, also works on plain http (a phone on the office network).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A CSV answer of a route that also speaks JSON (content negotiation), with the session. */
export async function getCsv<P extends PathWith<'get'>>(path: P, params: PathParams<Operation<P, 'get'>>, query?: Query<Operation<P, 'get'>>): Promise<string> {
  const session = currentSession();
  const url = fill(path, params) + queryString(query);
  const response = await fetch(url, { headers: { accept: 'text/csv', 'accept-language': language, ...(session ? { authorization: `Bearer ${session.token}` } : {}) } });
  if (!response.ok) throw new ApiError(response.status, 'error', response.statusText, await response.text(), {});
  return response.text();
}
