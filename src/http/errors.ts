import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Refusal, refusals, type RefusalCode } from '../errors.js';

/**
 * The one place that turns refusals into RFC 9457 problem+json. Every error body carries a stable
 * `code` from the catalog (src/errors.ts); faults answer 500 with no internals and are logged with
 * the request id.
 */
export function problem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: RefusalCode,
  detail: string,
  extensions: Record<string, unknown> = {},
) {
  const entry = refusals[code];
  const language = request.headers['accept-language']?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  return reply
    .code(entry.status)
    .type('application/problem+json')
    .send({
      ...extensions,
      type: `/docs/errors#${code}`,
      title: entry[language],
      status: entry.status,
      code,
      detail,
      instance: request.url,
    });
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function describeValidation(error: FastifyError): { detail: string; errors: { field: string; message: string }[] } {
  const part = error.validationContext ?? 'body';
  const issues = (error.validation ?? []) as ValidationIssue[];
  const errors = issues.flatMap((issue) => {
    const path = [part, ...(issue.instancePath ?? '').split('/').filter(Boolean)].join('.');
    const message = issue.message ?? 'is not valid';
    // A missing or unexpected property is named as its own field, not as its parent object.
    const named = issue.params?.requiredProperties ?? issue.params?.additionalProperties;
    const properties = Array.isArray(named) ? named : typeof named === 'string' ? [named] : [];
    if (properties.length === 0) return [{ field: path, message }];
    return properties.map((property) => ({ field: `${path}.${String(property)}`, message }));
  });
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ') || error.message;
  return { detail, errors };
}

/**
 * Fastify's `frameworkErrors`: what it refuses before routing (a URL it cannot decode, `%ZZ` or
 * bad UTF-8) answers as problem+json like every other error.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return problem(request, reply, 'invalid_request', error.message);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof Refusal) {
      request.log.info({ code: error.code }, 'refused');
      if (typeof error.params.retryAfter === 'number') void reply.header('retry-after', String(error.params.retryAfter));
      return problem(request, reply, error.code, error.message, error.params);
    }
    if (error.validation) {
      const { detail, errors } = describeValidation(error);
      return problem(request, reply, 'invalid_request', detail, { errors });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large.
      return problem(request, reply, 'invalid_request', error.message);
    }
    request.log.error({ err: error }, 'fault');
    return reply.code(500).type('application/problem+json').send({
      type: 'about:blank',
      title: 'Internal error',
      status: 500,
      code: 'internal_error',
      detail: `Something went wrong on our side; quote request id ${request.id} to support`,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    problem(request, reply, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`),
  );
}
