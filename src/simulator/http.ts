import type { RecordedResponse } from './substitute.js';
import type { World } from './world.js';

/** A request of the runner, as `app.inject()` takes it and the report shows it. */
export interface SimRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Who sends it; the operator when absent. */
  as?: Identity;
}

/**
 * Who a request acts as: the operator (the runner's token), nobody (no Authorization), or the
 * holder of a session token, shown in the report as the scenario wrote it (`{rikuSession}`).
 */
export type Identity = { kind: 'operator' } | { kind: 'anonymous' } | { kind: 'session'; token: string; written: string };

/** One request and its response, kept for the report. */
export interface Exchange extends RecordedResponse {
  request: SimRequest;
}

/**
 * Sends one request, as the operator unless `as` says otherwise. Headers the scenario gives win
 * (an `authorization` of its own tests the 401); a body goes as JSON.
 */
export async function send(world: World, request: SimRequest): Promise<Exchange> {
  const given = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const response = await world.app.inject({
    method: request.method,
    url: request.path,
    headers: {
      ...authorization(world, request.as ?? { kind: 'operator' }),
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...given,
    },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
  });
  const body = parseBody(response.body, response.headers['content-type']);
  return { request, status: response.statusCode, headers: { ...response.headers }, body };
}

function authorization(world: World, identity: Identity): { authorization?: string } {
  switch (identity.kind) {
    case 'operator':
      return { authorization: `Bearer ${world.token}` };
    case 'anonymous':
      return {};
    case 'session':
      return { authorization: `Bearer ${identity.token}` };
  }
}

/** How the report names who sent a request; nothing for the operator, as before `as` existed. */
export function identityLabel(identity: Identity | undefined): string {
  if (identity === undefined || identity.kind === 'operator') return '';
  return identity.kind === 'anonymous' ? ' as anonymous' : ` as ${identity.written}`;
}

/** JSON when the server says so (problem+json too); text otherwise; null when empty. */
function parseBody(text: string, contentType: unknown): unknown {
  if (text === '') return null;
  if (typeof contentType !== 'string' || !contentType.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return text;
    throw error;
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
