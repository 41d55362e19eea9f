import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { findSession, getOperator, type Role } from '../accounts/index.js';
import { refusal } from '../errors.js';
import { getMember } from '../members/index.js';
import type { Access } from './access.js';
import type { AppDeps } from './app.js';

/** Who is calling: recorded as the actor of every change they make. */
export type Principal =
  | {
      kind: 'operator';
      /** `operator:admin-token` for the API token, `operator:<opr_…>` for a log-in */
      actor: string;
      role: Role;
      /** The session in use; none for the API token. */
      sessionTokenHash: string | null;
    }
  | { kind: 'member'; actor: string; memberId: string; program: string; sessionTokenHash: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

/**
 * Resolves the bearer token: the operator API token (compared as SHA-256 digests in constant time,
 * so neither its content nor its length leaks through timing), or a session of a member or an
 * operator. A token that is given but not valid is refused even on open routes.
 */
export function authenticator(deps: AppDeps) {
  const apiToken = digest(deps.adminToken);
  return async (request: FastifyRequest): Promise<Principal | undefined> => {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    if (timingSafeEqual(digest(token), apiToken)) {
      return { kind: 'operator', actor: 'operator:admin-token', role: 'admin', sessionTokenHash: null };
    }
    const session = await findSession(deps.db, token, deps.clock.now());
    if (session?.kind === 'member') {
      const member = await getMember(deps.db, session.id);
      if (member) return { kind: 'member', actor: `member:${member.id}`, memberId: member.id, program: member.program, sessionTokenHash: session.tokenHash };
    }
    if (session?.kind === 'operator') {
      const operator = await getOperator(deps.db, session.id);
      if (operator && operator.disabledAt === null) {
        return { kind: 'operator', actor: `operator:${operator.id}`, role: operator.role, sessionTokenHash: session.tokenHash };
      }
    }
    throw refusal('unauthorized', 'The token is not valid or has expired; log in again');
  };
}

/**
 * Applies a route's row of the role table. Another member's id answers 404 like an id that does
 * not exist, so members cannot learn which ids are real (RELIABILITY.md E1).
 */
export function authorize(access: Access, principal: Principal | undefined, params: Record<string, string>): void {
  if ('public' in access) return;
  if (!principal) throw refusal('unauthorized', 'Log in, or send the operator token as "Authorization: Bearer <token>"');
  if (principal.kind === 'operator') {
    const allowed = principal.role === 'admin' ? access.adminAllowed !== false : access.roles.some((role) => role === principal.role);
    if (!allowed) throw refusal('forbidden', `The ${principal.role} role may not do this`, { role: principal.role });
    return;
  }
  if (access.member === undefined) throw refusal('forbidden', 'Members may not do this');
  if (access.member === 'self' && params.id !== principal.memberId) throw refusal('not_found', `There is no member ${params.id}`);
  if (access.member === 'program' && params.program !== principal.program) throw refusal('unknown_program', `There is no program "${params.program}"`);
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('assertion failed: route is authenticated');
  return request.principal;
}

export function actorOf(request: FastifyRequest): string {
  return principalOf(request).actor;
}
