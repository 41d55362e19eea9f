import type { RecordedResponse } from './substitute.js';
import type { World } from './world.js';

/** A request of the runner, as `app.inject()` takes it and the report shows it. */
export interface SimRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request and its response, kept for the report. */
export interface Exchange extends RecordedResponse {
  request: SimRequest;
}

/**
 * Sends one request as the operator. Headers the scenario gives win (an `authorization` of its
 * own tests the 401); a body goes as JSON.
 */
export async function send(world: World, request: SimRequest): Promise<Exchange> {
  const given = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const response = await world.app.inject({
    method: request.method,
    url: request.path,
    headers: {
      authorization: `Bearer ${world.token}`,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...given,
    },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
  });
  const body = parseBody(response.body, response.headers['content-type']);
  return { request, status: response.statusCode, headers: { ...response.headers }, body };
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
