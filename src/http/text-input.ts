import type { FastifyInstance } from 'fastify';
import { refusal } from '../errors.js';

/**
 * Text the API takes must be well-formed Unicode without NUL (decision 69). PostgreSQL refuses
 * NUL in text and jsonb (a fault, had it reached a statement), and a lone surrogate would be
 * stored as U+FFFD, so two different ids would become one. Checked after schema validation, on
 * the path, the query and the body, keys included; the first bad field is named.
 */
export function refuseMalformedText(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    // The query parser keeps an undecodable escape (`%DFFF`) as literal text; refuse it, as the path's are.
    const query = request.url.indexOf('?');
    if (query >= 0 && !decodable(request.url.slice(query + 1))) {
      const message = 'has a percent-escape that is not UTF-8; encode the query as UTF-8';
      throw refusal('invalid_request', `querystring: ${message}`, { errors: [{ field: 'querystring', message }] });
    }
    const parts = { params: request.params, querystring: request.query, body: request.body };
    for (const [part, value] of Object.entries(parts)) {
      const field = malformedField(value, part);
      if (field !== undefined) {
        const message = 'holds a NUL character or a lone surrogate; send well-formed UTF-8 text';
        throw refusal('invalid_request', `${field}: ${message}`, { errors: [{ field, message }] });
      }
    }
  });
}

function decodable(query: string): boolean {
  try {
    decodeURIComponent(query.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}

/** The path of the first string (or key) that is not well-formed or holds NUL; depth is bounded by the body limit. */
function malformedField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isMalformed(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    if (isMalformed(key)) return childPath;
    const found = malformedField(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isMalformed = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);
