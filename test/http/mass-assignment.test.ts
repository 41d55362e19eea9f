import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { statement } from '../../src/db/index.js';
import { accessTable } from '../../src/http/access.js';
import { newId } from '../../src/ids.js';
import { adjust, as, call, describeApi, TOKEN, uniqueExternalId } from '../support/api.js';
import { changedRows, databaseRows } from '../support/database-fingerprint.js';
import { documentedOperations, propertyNames, writeOperations, type Operation } from '../support/openapi-operations.js';
import { isValid } from '../support/openapi-values.js';
import { anotherSession, givenMemberLogIn, givenOperatorLogIn, PASSWORD, type MemberLogIn } from '../support/principals.js';

/**
 * RELIABILITY.md E3 (BOPLA, mass assignment). Every write operation of the OpenAPI document gets a
 * real request (a row below; a new operation without one fails) with every server-owned field
 * added to its body, at the top and in each closed object within. A body the schema reads must be
 * refused with 400 naming each added field and change no row; a body the route does not read must
 * be ignored: the request does its work and no added value reaches a row, and member B's rows stay
 * as they were. Then the request is sent as written, to show the refusal was not the request's own
 * fault. Every answer, and every read of member A, is checked for secrets and for B's data.
 */

interface World {
  a: MemberLogIn;
  b: MemberLogIn;
  /** A So-net member (a program with contact requests and a sweepstakes). */
  s: MemberLogIn;
  redemptionId: string;
  webhookId: string;
  deliveryId: string;
  reportId: string;
}

/** A real request, as the route's caller would send it. */
interface Written {
  url: string;
  body?: Record<string, unknown>;
  /** Default: the operator API token. */
  token?: string;
}

const CANARY_NUMBER = 987_654_321;
const CANARY_TEXT = 'e3-canary';
const CANARY_INSTANT = '2099-09-09T09:09:09.000Z';

/** Fields the server owns: never taken from a client, whatever the route. */
function serverOwnedFields(w: World): Record<string, unknown> {
  return {
    id: w.b.memberId,
    memberId: w.b.memberId,
    member_id: w.b.memberId,
    member: w.b.memberId,
    program: 'sony-rewards',
    balance: CANARY_NUMBER,
    points: CANARY_NUMBER,
    pointsAvailable: CANARY_NUMBER,
    pointsPending: CANARY_NUMBER,
    pointsTotal: CANARY_NUMBER,
    status: `${CANARY_TEXT}-status`,
    tier: `${CANARY_TEXT}-tier`,
    role: 'admin',
    expiresAt: CANARY_INSTANT,
    createdAt: CANARY_INSTANT,
    updatedAt: CANARY_INSTANT,
    verified: true,
    emailVerified: true,
    verifiedAt: CANARY_INSTANT,
    disabledAt: CANARY_INSTANT,
    passwordHash: `${CANARY_TEXT}-hash`,
    tokenHash: `${CANARY_TEXT}-hash`,
    actor: `${CANARY_TEXT}-actor`,
    isAdmin: true,
  };
}

/**
 * Controls that are refused on purpose: the body is valid but what it names cannot be made here
 * without the emailed link or a draw's period closing. The injected request is still refused by
 * the schema before any of that is looked at.
 */
const refusedControls: Record<string, string> = {
  'POST /v1/auth/signups/confirm': 'the link token is emailed; a made-up one is not found',
  'POST /v1/auth/password-resets/confirm': 'the link token is emailed; a made-up one is not found',
  'POST /v1/programs/:program/signups/:signupId/review': 'no sign-up waits for review here',
  'POST /v1/sweepstakes/:key/entries/:entryId/exclusion': 'no entry to exclude',
  'POST /v1/sweepstakes/:key/draws': "the period's draw is not due",
  'POST /v1/sweepstakes/:key/entries': 'outside the entry window at the test clock',
  'POST /v1/members/:id/redemptions/:redemptionId/refunds': 'only checkout payments are refunded; the redemption here is a bill credit',
  'POST /v1/members/:id/contact-reports': "flets-club takes no contact requests, so no opt-out covers the contact",
};

const insertStop = statement('test.e3.insertStop', `
  insert into contact_requests (member_id, id, program_key, kind, channel, scope, taken_by, verification, status, received_at, verified_at, effective_at, actor)
  values ($1, $2, $3, 'do_not_solicit', 'phone', 'company', 'staff', '{}', 'verified', $4, $4, $4, 'test')`);
const insertReport = statement('test.e3.insertReport', `
  insert into contact_reports (member_id, id, request_id, channel, scope, contacted_at, description, reported_at, reported_by)
  values ($1, $2, $3, 'phone', 'company', $4, 'a call after the stop', $4, 'test')`);

describeApi(
  'mass assignment: every write operation with every server-owned field (E3)',
  (ctx) => {
    let world: World | undefined;
    const w = () => {
      assert.ok(world, 'the world is set up');
      return world;
    };
    const now = () => ctx.clock.now().toString();

    before(async () => {
      const a = await givenMemberLogIn(ctx, 'flets-club', { name: 'Akari Aoyama', email: 'akari.e3@example.jp' });
      const b = await givenMemberLogIn(ctx, 'flets-club', { name: 'Bunta Canary', email: 'bunta.canary@example.jp' });
      const s = await givenMemberLogIn(ctx, 'sonet', { name: 'Sora Sonet', email: 'sora.e3@example.jp' });
      const webhook = await call(ctx.app, 'POST', `/v1/programs/${a.program}/webhooks`, { url: 'http://127.0.0.1:9/e3', events: ['points.credited'] });
      assert.equal(webhook.statusCode, 201, webhook.body);
      const webhookId = webhook.json<{ id: string }>().id;
      assert.equal((await adjust(ctx.app, a.memberId, 1000, `${a.memberId}-seed`)).statusCode, 201);
      const deliveries = await call(ctx.app, 'GET', `/v1/programs/${a.program}/webhooks/${webhookId}/deliveries`);
      const deliveryId = deliveries.json<{ items: { id: string }[] }>().items[0]?.id;
      assert.ok(deliveryId, deliveries.body);
      const redeemed = await call(ctx.app, 'POST', `/v1/members/${a.memberId}/redemptions`, { kind: 'bill_credit', points: 100 }, { 'idempotency-key': `${a.memberId}-redeem` });
      assert.equal(redeemed.statusCode, 201, redeemed.body);
      const requestId = newId('crq');
      const reportId = newId('crp');
      await ctx.db.query(insertStop, [a.memberId, requestId, a.program, now()]);
      await ctx.db.query(insertReport, [a.memberId, reportId, requestId, now()]);
      world = { a, b, s, redemptionId: redeemed.json<{ id: string }>().id, webhookId, deliveryId, reportId };
    });

    /** One real request per write operation. */
    const written: Record<string, () => Promise<Written>> = {
      'POST /v1/auth/signups': async () => ({ url: '/v1/auth/signups', body: { program: 'flets-club', kind: 'easy', name: 'Emi Easy', phone: '090-3333-4444', email: `${uniqueExternalId('e3')}@example.jp` } }),
      'POST /v1/auth/signups/confirm': async () => ({ url: '/v1/auth/signups/confirm', body: { token: 'pbl_e3-not-a-link', password: PASSWORD } }),
      'POST /v1/auth/sessions': async () => ({ url: '/v1/auth/sessions', body: { program: 'flets-club', email: w().a.email, password: PASSWORD } }),
      'POST /v1/auth/operator-sessions': async () => {
        const operator = await givenOperatorLogIn(ctx, 'support');
        return { url: '/v1/auth/operator-sessions', body: { email: operator.email, password: PASSWORD } };
      },
      'DELETE /v1/auth/sessions/current': async () => ({ url: '/v1/auth/sessions/current', token: await anotherSession(ctx, { kind: 'member', id: w().a.memberId }) }),
      'POST /v1/auth/password-resets': async () => ({ url: '/v1/auth/password-resets', body: { program: 'flets-club', email: w().a.email } }),
      'POST /v1/auth/password-resets/confirm': async () => ({ url: '/v1/auth/password-resets/confirm', body: { token: 'pbl_e3-not-a-link', password: PASSWORD } }),
      'POST /v1/auth/login-codes': async () => ({ url: '/v1/auth/login-codes', body: { program: 'flets-club', email: w().a.email } }),
      'POST /v1/me/password': async () => {
        const e = await givenMemberLogIn(ctx, 'flets-club', { name: 'Eiji Password', email: `${uniqueExternalId('e3')}@example.jp` });
        return { url: '/v1/me/password', body: { currentPassword: PASSWORD, newPassword: 'lantern orchard harbour 27 e3' }, token: e.token };
      },
      'POST /v1/operators': async () => ({ url: '/v1/operators', body: { email: `${uniqueExternalId('e3')}@pointbook.test`, name: 'E3 operator', role: 'support', password: PASSWORD } }),
      'POST /v1/operators/:operatorId/disable': async () => ({ url: `/v1/operators/${(await givenOperatorLogIn(ctx, 'support')).operatorId}/disable` }),
      'POST /v1/programs/:program/signups/:signupId/review': async () => ({ url: `/v1/programs/flets-club/signups/sgn_${'0'.repeat(26)}/review`, body: { memberId: w().a.memberId } }),
      'POST /v1/members/:id/access-keys': async () => ({ url: `/v1/members/${w().a.memberId}/access-keys` }),
      'POST /v1/programs/:program/members': async () => ({ url: '/v1/programs/flets-club/members', body: { externalId: uniqueExternalId('e3') } }),
      'POST /v1/members/:id/links': async () => ({ url: `/v1/members/${w().a.memberId}/links`, body: { system: 'flets-portal', accountId: uniqueExternalId('e3') } }),
      'POST /v1/members/:id/adjustments': async () => ({ url: `/v1/members/${w().a.memberId}/adjustments`, body: { points: 10, reason: 'e3 goodwill' } }),
      'POST /v1/members/:id/redemptions': async () => ({ url: `/v1/members/${w().a.memberId}/redemptions`, body: { kind: 'bill_credit', points: 100 } }),
      'POST /v1/members/:id/redemptions/:redemptionId/refunds': async () => ({ url: `/v1/members/${w().a.memberId}/redemptions/${w().redemptionId}/refunds`, body: { points: 1 } }),
      'POST /v1/members/:id/step-up-keys': async () => ({ url: `/v1/members/${w().a.memberId}/step-up-keys` }),
      'POST /v1/programs/:program/events': async () => {
        const line = uniqueExternalId('FIBRE');
        const data = { contractId: line, type: 'flets-hikari', plan: 'home', commitmentDiscount: true, origin: 'new' };
        return { url: '/v1/programs/flets-club/events', body: { events: [{ id: `start-${line}`, type: 'contract.started', member: { externalId: w().a.externalId }, occurredAt: now(), data }] } };
      },
      'POST /v1/programs/:program/jobs/:job/runs': async () => ({ url: '/v1/programs/flets-club/jobs/expire/runs', body: { asOf: now() } }),
      'POST /v1/test-clock': async () => ({ url: '/v1/test-clock', body: { now: now() } }),
      'POST /v1/members/:id/contact-requests': async () => ({
        url: `/v1/members/${w().s.memberId}/contact-requests`,
        body: { kind: 'do_not_solicit', channel: 'web', scope: 'company', verification: { name: w().s.name, phone: '090-0000-0000', contractNumber: 'C-0' } },
      }),
      'POST /v1/members/:id/contact-reports': async () => ({ url: `/v1/members/${w().a.memberId}/contact-reports`, body: { channel: 'phone', scope: 'company', contactedAt: now(), description: 'a call after the stop' } }),
      'POST /v1/members/:id/contact-reports/:reportId/resolve': async () => ({ url: `/v1/members/${w().a.memberId}/contact-reports/${w().reportId}/resolve` }),
      'POST /v1/members/:id/erasure': async () => {
        const leaving = await givenMemberLogIn(ctx, 'flets-club', { name: 'Rin Leaving', email: `${uniqueExternalId('e3')}@example.jp` });
        return { url: `/v1/members/${leaving.memberId}/erasure`, body: { reason: 'the member asked (APPI art. 35)' } };
      },
      'POST /v1/programs/:program/webhooks': async () => ({ url: '/v1/programs/flets-club/webhooks', body: { url: 'http://127.0.0.1:9/e3-more', events: ['points.credited'] } }),
      'POST /v1/programs/:program/webhooks/:webhookId/disable': async () => {
        const created = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url: 'http://127.0.0.1:9/e3-off', events: ['points.credited'] });
        return { url: `/v1/programs/flets-club/webhooks/${created.json<{ id: string }>().id}/disable` };
      },
      'POST /v1/programs/:program/webhooks/:webhookId/deliveries/:deliveryId/replay': async () => ({ url: `/v1/programs/flets-club/webhooks/${w().webhookId}/deliveries/${w().deliveryId}/replay` }),
      'POST /v1/sweepstakes/:key/entries': async () => ({ url: '/v1/sweepstakes/status-up-present/entries', body: { member: w().s.memberId, prize: 'S' }, token: w().s.token }),
      'POST /v1/sweepstakes/:key/entries/:entryId/exclusion': async () => ({ url: `/v1/sweepstakes/status-up-present/entries/swe_${'0'.repeat(26)}/exclusion`, body: { reason: 'a duplicate person' } }),
      'POST /v1/sweepstakes/:key/draws': async () => ({ url: '/v1/sweepstakes/status-up-present/draws', body: { period: '2026-04' } }),
      'POST /v1/campaigns/:campaign/eligibility': async () => ({ url: '/v1/campaigns/hikari-welcome-2026/eligibility', body: { member: w().a.memberId, line: await givenLine() } }),
      'POST /v1/campaigns/:campaign/applications': async () => ({ url: '/v1/campaigns/hikari-welcome-2026/applications', body: { member: w().a.memberId, line: await givenLine(), role: 'subscriber', option: 'discount' } }),
      'POST /v1/members/:id/campaign-history': async () => ({ url: `/v1/members/${w().a.memberId}/campaign-history`, body: { entries: [{ personId: uniqueExternalId('person'), campaign: 'white-gakuwari', startedAt: '2025-04-01T00:00:00+09:00' }] } }),
      'POST /v1/simulations': async () => ({ url: '/v1/simulations', body: { scenario: readFileSync('examples/scenarios/adjustment-replay-is-idempotent.yaml', 'utf8') } }),
      'POST /v1/programs/:program/definition-checks': async () => ({ url: '/v1/programs/flets-club/definition-checks', body: { kind: 'program', text: readFileSync('examples/programs/sony-rewards/program.yaml', 'utf8') } }),
    };

    /** A new fibre line of member A, started now through an upstream event: its id. */
    async function givenLine(): Promise<string> {
      const started = await written['POST /v1/programs/:program/events']?.();
      assert.ok(started?.body);
      const sent = await call(ctx.app, 'POST', started.url, started.body);
      assert.equal(sent.statusCode, 200, sent.body);
      const line = (started.body as { events: { data: { contractId: string } }[] }).events[0]?.data.contractId;
      assert.ok(line);
      return line;
    }

    it('has a real request for every write operation of the document, and none for a route it lacks', () => {
      const routes = writeOperations(ctx.app).map((operation) => operation.route);
      assert.deepEqual(routes.filter((route) => !(route in written)), [], 'write operations without a row (add one to `written`)');
      assert.deepEqual(Object.keys(written).filter((route) => !routes.includes(route)), [], 'rows of no documented operation');
    });

    it('refuses or ignores every server-owned field, and changes no field with it', async (t) => {
      for (const operation of writeOperations(ctx.app)) {
        await t.test(operation.route, async () => {
          const request = await written[operation.route]?.();
          assert.ok(request, `${operation.route} has a row`);
          if (operation.body) await assertRefusedWhenInjected(operation, request);
          else await assertIgnoredWhenInjected(operation, request);
        });
      }
    });

    async function send(operation: Operation, request: Written, body: unknown): Promise<LightMyRequestResponse> {
      const key = operation.headers.some((h) => h.name === 'idempotency-key') ? { 'idempotency-key': uniqueExternalId('e3') } : {};
      const headers = { ...as(request.token ?? TOKEN), ...key };
      return ctx.app.inject({ method: operation.method, url: request.url, headers, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    }

    /** A body the route reads: every added field is named in a 400, nothing is written; then the request as written works. */
    async function assertRefusedWhenInjected(operation: Operation, request: Written): Promise<void> {
      assert.ok(operation.body && request.body, `${operation.route} sends a body`);
      assert.ok(isValid(operation.body.schema, request.body), `${operation.route}: the written body is valid: ${JSON.stringify(request.body)}`);
      // One field per request: a 400 names only the first few problems it finds.
      for (const [where, injected] of injections(request.body, serverOwnedFields(w()), propertyNames(operation.body.schema))) {
        const before = await databaseRows(ctx.db);
        for (const [field, body] of injected) {
          const response = await send(operation, request, body);
          const said = `${operation.route} with ${where}.${field}: ${response.statusCode} ${response.body.slice(0, 300)}`;
          assert.equal(response.statusCode, 400, said);
          const problem = response.json<{ code: string; errors?: { field: string }[] }>();
          assert.equal(problem.code, 'invalid_request', said);
          assert.ok((problem.errors ?? []).some((e) => e.field === `${where}.${field}`), `names ${where}.${field}: ${said}`);
          assertNoSecrets(response, operation.route);
        }
        const changes = changedRows(before, await databaseRows(ctx.db));
        assert.deepEqual(changes, {}, `${operation.route} with server-owned fields in ${where}: no row changed: ${JSON.stringify(changes).slice(0, 600)}`);
      }
      const control = await send(operation, request, request.body);
      const refused = refusedControls[operation.route];
      const said = `${operation.route} as written: ${control.statusCode} ${control.body.slice(0, 300)}`;
      if (refused === undefined) assert.ok(control.statusCode >= 200 && control.statusCode < 300, said);
      else assert.ok(control.statusCode >= 400 && control.statusCode < 500, `${said} (${refused})`);
      assertNoSecrets(control, operation.route);
    }

    /** A route that reads no body: the request works, and no added value reaches a row; B's rows do not change. */
    async function assertIgnoredWhenInjected(operation: Operation, request: Written): Promise<void> {
      const before = await databaseRows(ctx.db);
      const response = await send(operation, request, serverOwnedFields(w()));
      const said = `${operation.route} with server-owned fields: ${response.statusCode} ${response.body.slice(0, 300)}`;
      assert.ok(response.statusCode >= 200 && response.statusCode < 300, said);
      assertNoSecrets(response, operation.route);
      const changes = JSON.stringify(changedRows(before, await databaseRows(ctx.db)));
      for (const canary of [String(CANARY_NUMBER), CANARY_TEXT, CANARY_INSTANT.slice(0, 10), w().b.memberId]) {
        assert.ok(!changes.includes(canary), `${said}: ${canary} reached a row: ${changes.slice(0, 600)}`);
      }
    }

    it("answers every read of member A without secrets or member B's data", async (t) => {
      const pathValues: Record<string, () => string> = {
        id: () => w().a.memberId,
        program: () => w().a.program,
        redemptionId: () => w().redemptionId,
        webhookId: () => w().webhookId,
        deliveryId: () => w().deliveryId,
        reportId: () => w().reportId,
      };
      for (const operation of documentedOperations(ctx.app).filter((o) => o.method === 'GET')) {
        const names = operation.params.map((p) => p.name);
        if (!names.every((name) => name in pathValues) || operation.query.some((q) => q.required)) continue;
        const url = operation.path.replace(/:(\w+)/gu, (_, name: string) => pathValues[name]?.() ?? '');
        const access = accessTable[operation.route];
        const callers = [TOKEN, ...(access && 'roles' in access && access.member !== undefined ? [w().a.token] : [])];
        await t.test(operation.route, async () => {
          for (const token of callers) {
            const response = await ctx.app.inject({ method: 'GET', url, headers: as(token) });
            assert.ok(response.statusCode < 500, `${operation.route}: ${response.statusCode} ${response.body.slice(0, 300)}`);
            assertNoSecrets(response, operation.route);
            // Program-wide lists show operators every member; what is about A, or answered to A, shows nothing of B.
            if (names.includes('id') || token !== TOKEN) {
              for (const canary of [w().b.name, w().b.email, w().b.memberId]) assert.ok(!response.body.includes(canary), `${operation.route} shows B's ${canary}`);
            }
          }
        });
      }
    });
  },
  { mailbox: true },
);

/** For each object of the body (the top and each closed object within), the body with one server-owned field added there, per field the body's schema does not document anywhere. */
function injections(body: Record<string, unknown>, fields: Record<string, unknown>, documented: Set<string>): [string, [string, unknown][]][] {
  const out: [string, [string, unknown][]][] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    // Event data is the upstream system's open record, read field by field per event type (invalid_event).
    if (path.at(-1) === 'data') return;
    const added = Object.keys(fields).filter((name) => !documented.has(name));
    out.push([['body', ...path].join('.'), added.map((name) => [name, withFields(body, path, { [name]: fields[name] })])]);
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(body, []);
  return out;
}

function withFields(value: unknown, path: (string | number)[], fields: Record<string, unknown>): unknown {
  if (path.length === 0) return { ...(value as Record<string, unknown>), ...fields };
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? withFields(item, rest, fields) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [String(head)]: withFields(record[String(head)], rest, fields) };
}

/**
 * Keys no answer carries: hashes, passwords, salts, other secrets. A key naming an instant
 * (`passwordChangedAt` in the member's own data) is a time, not a secret. Webhook creation shows
 * its signing secret once, by design.
 */
const secretKey = /hash|password|salt|secret|private/iu;
const instantKey = /[a-z]At$/u;
const shownOnce: Record<string, string[]> = { 'POST /v1/programs/:program/webhooks': ['secret'] };

function assertNoSecrets(response: LightMyRequestResponse, route: string): void {
  if (!String(response.headers['content-type']).includes('json')) return;
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const allowed = path === '' && (shownOnce[route] ?? []).includes(key);
      assert.ok(allowed || !secretKey.test(key) || (instantKey.test(key) && typeof child === 'string' && !Number.isNaN(Date.parse(child))), `${route} answers a secret-like key ${path}.${key}`);
      walk(child, `${path}.${key}`);
    }
  };
  walk(response.json(), '');
}
