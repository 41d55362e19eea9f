import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientNetwork } from '../client-network.js';
import type { Clock } from '../clock.js';
import type { FlowLimits, Quota, RateLimitFlow, RateLimits } from '../config.js';
import type { Db } from '../db/index.js';
import { refusal } from '../errors.js';
import { normaliseEmail } from '../members/index.js';
import type { App } from './app.js';
import { createRateLimitStore, type Count, type Counter } from './rate-limit-store.js';
import { problemRef } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RateLimitFlow;
  }
}

/** The business flows of RELIABILITY.md G4 by route; every other mutating route is `default`. */
export const rateLimitedFlows: Readonly<Record<string, RateLimitFlow>> = {
  'POST /v1/auth/sessions': 'login',
  'POST /v1/auth/operator-sessions': 'login',
  'POST /v1/auth/password-resets': 'password_reset',
  // Sends mail like a reset: the same limit keeps either from flooding a mailbox.
  'POST /v1/auth/login-codes': 'password_reset',
  'POST /v1/auth/signups': 'signup',
  'POST /v1/sweepstakes/:key/entries': 'entry',
  'POST /v1/members/:id/redemptions': 'redemption',
  'POST /v1/campaigns/:campaign/applications': 'application',
};

const reading = new Set(['GET', 'HEAD', 'OPTIONS']);

export function flowOf(method: string, url: string): RateLimitFlow | undefined {
  if (reading.has(method) || url === '/v1/test-clock') return undefined;
  return rateLimitedFlows[`${method} ${url}`] ?? 'default';
}

/**
 * G4 (decision 60): limits each mutating route's flow per member and per client address, before
 * the handler runs, so a refused request changes nothing. Every limited answer carries the draft
 * IETF fields (draft-ietf-httpapi-ratelimit-headers-09): `RateLimit-Policy` names each quota,
 * `RateLimit` what is left of it and when it resets; a refusal is 429 `rate_limited` with
 * `Retry-After`. Register before the routes (their flows are set as they are added).
 */
export function registerRateLimits(app: App, deps: { db: Db; clock: Clock; limits: RateLimits }): void {
  const store = createRateLimitStore(deps.db);
  app.addHook('onRoute', (route) => {
    if (route.config?.web) return;
    const methods = [route.method].flat();
    const flow = methods.map((method) => flowOf(method, route.url)).find((f) => f !== undefined);
    if (!flow || !hasQuota(deps.limits[flow])) return;
    route.config = { ...route.config, rateLimit: flow };
    if (route.schema?.response) route.schema = { ...route.schema, response: { ...(route.schema.response as object), 429: problemRef } };
  });
  app.addHook('preHandler', async (request, reply) => {
    const flow = request.routeOptions.config.rateLimit;
    if (!flow) return;
    const counters = countersOf(flow, deps.limits[flow], request);
    if (counters.length === 0) return;
    const now = deps.clock.now();
    const counts = await store.hit(counters, now);
    answer(reply, flow, counters, counts, now.epochMilliseconds);
  });
}

const hasQuota = (limits: FlowLimits) => limits.member !== null || limits.ip !== null;

interface Scoped extends Counter {
  scope: 'member' | 'ip';
}

function countersOf(flow: RateLimitFlow, limits: FlowLimits, request: FastifyRequest): Scoped[] {
  const counters: Scoped[] = [];
  const member = limits.member && memberOf(request);
  if (limits.member && member) counters.push({ scope: 'member', key: keyOf(flow, 'member', member), quota: limits.member });
  // Operators are accountable by the audit trail, and a call centre's staff share one address.
  if (limits.ip && request.principal?.kind !== 'operator') counters.push({ scope: 'ip', key: keyOf(flow, 'ip', clientNetwork(request.ip)), quota: limits.ip });
  return counters;
}

/**
 * Whom the request acts for: the logged-in member, else the member of the path or the body, else,
 * from someone not logged in (log-in, reset, sign-up), the account typed, per program.
 */
function memberOf(request: FastifyRequest): string | undefined {
  if (request.principal?.kind === 'member') return request.principal.memberId;
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (typeof params.id === 'string' && request.routeOptions.url?.startsWith('/v1/members/:id')) return params.id;
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  if (typeof body.member === 'string') return body.member;
  if (request.principal) return undefined;
  const typed = body.customerId ?? body.email;
  if (typeof typed !== 'string') return undefined;
  return `${typeof body.program === 'string' ? body.program : ''}:${normaliseEmail(typed)}`;
}

// Hashed: the table never holds an email or an address, and keys stay short.
const keyOf = (flow: RateLimitFlow, scope: string, value: string) =>
  `${flow}:${scope}:${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`;

const policyName = (flow: RateLimitFlow, scope: string) => `${flow}-${scope}`;

function answer(reply: FastifyReply, flow: RateLimitFlow, counters: readonly Scoped[], counts: readonly Count[], nowMs: number): void {
  const states = counters.map((counter) => {
    const count = counts.find((c) => c.key === counter.key);
    const hits = count?.hits ?? 0;
    const resetSeconds = Math.max(1, Math.ceil(((count?.windowEndsAt.epochMilliseconds ?? nowMs) - nowMs) / 1000));
    return { name: policyName(flow, counter.scope), quota: counter.quota, hits, resetSeconds };
  });
  void reply.header('ratelimit-policy', states.map((s) => policyItem(s.name, s.quota)).join(', '));
  void reply.header('ratelimit', states.map((s) => `"${s.name}";r=${Math.max(0, s.quota.limit - s.hits)};t=${s.resetSeconds}`).join(', '));
  const exceeded = states.filter((s) => s.hits > s.quota.limit);
  if (exceeded.length === 0) return;
  const retryAfter = Math.max(...exceeded.map((s) => s.resetSeconds));
  const names = exceeded.map((s) => s.name);
  throw refusal('rate_limited', `Too many ${flow.replace('_', ' ')} requests (${names.join(', ')}); try again in ${retryAfter} seconds`, {
    retryAfter,
    policies: names,
  });
}

const policyItem = (name: string, quota: Quota) => `"${name}";q=${quota.limit};w=${quota.windowSeconds}`;
