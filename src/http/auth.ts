import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { refusal } from '../errors.js';

/** Who is calling: recorded as the actor of every change they make. */
export interface Principal {
  kind: 'operator';
  /** e.g. `operator:admin-token` */
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Operators authenticate with a bearer token. Tokens are compared as SHA-256 digests in constant
 * time, so neither their content nor their length leaks through timing.
 */
export function operatorAuthenticator(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!token || !timingSafeEqual(digest(token), expected)) {
      throw refusal('unauthorized', 'Send the operator token as "Authorization: Bearer <token>"');
    }
    request.principal = { kind: 'operator', actor: 'operator:admin-token' };
  };
}

export function actorOf(request: FastifyRequest): string {
  if (!request.principal) throw new Error('assertion failed: route is authenticated');
  return request.principal.actor;
}
