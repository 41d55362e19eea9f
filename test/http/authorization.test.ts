import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/accounts/index.js';
import { statement } from '../../src/db/index.js';
import { accessTable, type Access } from '../../src/http/access.js';
import { newId } from '../../src/ids.js';
import { commitmentOf } from '../../src/sweepstakes/index.js';
import { buildApp, type App } from '../../src/http/app.js';
import { createRegistry, loadPrograms } from '../../src/programs/index.js';
import { adjust, as, call, describeApi, problemCode, TOKEN, uniqueExternalId, type ApiContext } from '../support/api.js';
import { linkToken } from '../support/mailbox.js';
import { anotherSession, givenCampaignApplication, givenMemberLogIn, givenOperatorLogIn, PASSWORD, type MemberLogIn, type OperatorLogIn } from '../support/principals.js';

/**
 * RELIABILITY.md E1 (BOLA) and E2 (BFLA): every route the app serves, found in its OpenAPI
 * document, is called by every kind of caller on member A's real ids, and the answer must be the
 * one the role table (src/http/access.ts) gives. Nothing here lists routes by hand: a new route
 * gets its row or the server does not start, and then it is in this matrix.
 */

type Principal =
  | { name: string; kind: 'anonymous' }
  /** `owner` is member A, whose ids every request names. */
  | { name: string; kind: 'member'; member: 'owner' | 'same program' | 'other program' }
  | { name: string; kind: 'operator'; role: Role; via: 'log-in' | 'api token' };

const principals: readonly Principal[] = [
  { name: 'anonymous', kind: 'anonymous' },
  { name: 'member A', kind: 'member', member: 'owner' },
  { name: 'member B', kind: 'member', member: 'same program' },
  { name: 'member C of sony-rewards', kind: 'member', member: 'other program' },
  { name: 'support', kind: 'operator', role: 'support', via: 'log-in' },
  { name: 'marketing', kind: 'operator', role: 'marketing', via: 'log-in' },
  { name: 'finance', kind: 'operator', role: 'finance', via: 'log-in' },
  { name: 'admin', kind: 'operator', role: 'admin', via: 'log-in' },
  { name: 'API token', kind: 'operator', role: 'admin', via: 'api token' },
];

/** Callers who must learn nothing about member A. */
const outsider = (principal: Principal) => principal.kind === 'anonymous' || (principal.kind === 'member' && principal.member !== 'owner');

type Expected = { passes: true } | { passes: false; status: 401 | 403 | 404; code: 'unauthorized' | 'forbidden' | 'not_found' | 'unknown_program' };
const passes: Expected = { passes: true };

/** What the role table promises `principal` on a route with row `access`. */
function expectedFor(access: Access, principal: Principal): Expected {
  if ('public' in access) return passes;
  switch (principal.kind) {
    case 'anonymous':
      return { passes: false, status: 401, code: 'unauthorized' };
    case 'operator': {
      const allowed = principal.role === 'admin' ? access.adminAllowed !== false : access.roles.some((role) => role === principal.role);
      return allowed ? passes : { passes: false, status: 403, code: 'forbidden' };
    }
    case 'member':
      if (access.member === undefined) return { passes: false, status: 403, code: 'forbidden' };
      // E1: another member's ids (in the path, the body or as the owner of a resource) answer as if they did not exist.
      if ((access.member === 'self' || access.member === 'body' || access.member === 'owner') && principal.member !== 'owner') return { passes: false, status: 404, code: 'not_found' };
      if (access.member === 'program' && principal.member === 'other program') return { passes: false, status: 404, code: 'unknown_program' };
      return passes;
  }
}

const methods = ['get', 'put', 'post', 'patch', 'delete'];

/** `POST /v1/members/:id/redemptions`, as the role table writes them, from the OpenAPI document. */
function documentedRoutes(app: App): string[] {
  return Object.entries(app.swagger().paths ?? {})
    .flatMap(([path, operations]) =>
      Object.keys(operations ?? {})
        .filter((method) => methods.includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/gu, ':$1')}`),
    )
    .filter((route) => !route.includes(' /docs'));
}

/** What every request names: member A's own things. */
interface World {
  a: MemberLogIn;
  members: Record<'owner' | 'same program' | 'other program', MemberLogIn>;
  operators: Record<Role, OperatorLogIn>;
  redemptionId: string;
  signupId: string;
  /** A webhook of A's program, and the delivery of A's seed points to it. */
  webhookId: string;
  deliveryId: string;
  reportId: string;
  /** A's fibre line and its application to A's program's campaign (#5). */
  campaignLine: string;
  applicationId: string;
}

// Ids of the same shapes and lengths as A's that name nothing.
const GHOST_MEMBER = `mbr_${'0'.repeat(26)}`;
const GHOST_REDEMPTION = `rdm_${'0'.repeat(26)}`;

describeApi(
  'authorization: every route × every principal (E1, E2)',
  (ctx) => {
    let world: World | undefined;
    const w = () => {
      assert.ok(world, 'the world is set up');
      return world;
    };
    const checked = new Set<string>();

    before(async () => {
      const members = {
        owner: await givenMemberLogIn(ctx, 'flets-club', { name: 'Akari Aoyama', email: 'akari.aoyama@example.jp' }),
        'same program': await givenMemberLogIn(ctx, 'flets-club', { name: 'Bunta Baba', email: 'bunta.baba@example.jp' }),
        'other program': await givenMemberLogIn(ctx, 'sony-rewards', { name: 'Chika Chiba', email: 'chika.chiba@example.com' }),
      };
      const operators = {
        support: await givenOperatorLogIn(ctx, 'support'),
        marketing: await givenOperatorLogIn(ctx, 'marketing'),
        finance: await givenOperatorLogIn(ctx, 'finance'),
        admin: await givenOperatorLogIn(ctx, 'admin'),
      };
      const a = members.owner;
      // Nothing listens on port 9: the delivery fails and waits for a retry, which is all the matrix needs.
      const webhook = await call(ctx.app, 'POST', `/v1/programs/${a.program}/webhooks`, { url: 'http://127.0.0.1:9/authz', events: ['points.credited'] });
      assert.equal(webhook.statusCode, 201, webhook.body);
      const webhookId = webhook.json<{ id: string }>().id;
      assert.equal((await adjust(ctx.app, a.memberId, 1000, `${a.memberId}-seed`)).statusCode, 201);
      const deliveries = await call(ctx.app, 'GET', `/v1/programs/${a.program}/webhooks/${webhookId}/deliveries`);
      const deliveryId = deliveries.json<{ items: { id: string }[] }>().items[0]?.id;
      assert.ok(deliveryId, deliveries.body);
      const redeemed = await call(ctx.app, 'POST', `/v1/members/${a.memberId}/redemptions`, { kind: 'bill_credit', points: 100 }, { 'idempotency-key': `${a.memberId}-redeem` });
      assert.equal(redeemed.statusCode, 201, redeemed.body);
      const reportId = await givenContactReport(ctx, a.memberId, a.program);
      const { line: campaignLine, applicationId } = await givenCampaignApplication(ctx, a);
      world = { a, members, operators, redemptionId: redeemed.json<{ id: string }>().id, signupId: await givenSignupToReview(ctx), webhookId, deliveryId, reportId, campaignLine, applicationId };
    });

    it('has a row in the role table for every documented route, and a route for every row', () => {
      const documented = documentedRoutes(ctx.app);
      const rows = Object.keys(accessTable);
      assert.deepEqual(documented.filter((route) => !(route in accessTable)), [], 'routes without a row');
      assert.deepEqual(rows.filter((row) => !documented.includes(row)), [], 'rows of no documented route (stale)');
      for (const row of rows) {
        const [method = '', url = ''] = row.split(' ');
        assert.ok(ctx.app.hasRoute({ method, url }), `Fastify serves ${row}`);
      }
    });

    it('refuses to start with a route that has no row', async () => {
      const app = await buildApp({
        db: ctx.db,
        clock: ctx.clock,
        programs: createRegistry(loadPrograms('examples/programs')),
        adminToken: TOKEN,
        accounts: { db: ctx.db, publicUrl: 'https://portal.pointbook.test' },
      });
      try {
        await assert.rejects(async () => {
          app.get('/v1/extra', async () => ({ open: 'by omission' }));
          await app.ready();
        }, /GET \/v1\/extra has no row in the role table/);
      } finally {
        await app.close();
      }
    });

    it('answers every route as the role table says, for every principal', async (t) => {
      for (const route of documentedRoutes(ctx.app)) {
        await t.test(route, async () => {
          const access = accessTable[route];
          assert.ok(access, `${route} has a row`);
          for (const principal of principals) {
            const label = `${route} as ${principal.name}`;
            const request = await requestFor(route, principal);
            const response = await ctx.app.inject(request);
            assertOutcome(response, expectedFor(access, principal), label);
            if (request.method === 'GET') {
              const head = await ctx.app.inject({ ...request, method: 'HEAD' });
              assert.equal(head.statusCode, response.statusCode, `HEAD answers like ${label}`);
            }
            if (outsider(principal)) await assertNothingOfA(request, response, label);
            checked.add(`${route} × ${principal.name}`);
          }
        });
      }
    });

    it('covered every route for every principal', () => {
      const routes = documentedRoutes(ctx.app);
      assert.equal(routes.length, Object.keys(accessTable).length);
      assert.equal(checked.size, routes.length * principals.length, 'route × principal pairs checked');
    });

    function assertOutcome(response: LightMyRequestResponse, expected: Expected, label: string): void {
      const said = `${label}: ${response.statusCode} ${response.body}`;
      if (!expected.passes) {
        assert.equal(response.statusCode, expected.status, said);
        assert.equal(problemCode(response), expected.code, said);
        return;
      }
      // Every id in the request is real, so a 404 could only be authorization's "not yours".
      assert.ok(![401, 403, 404].includes(response.statusCode), `${said}: expected to pass authorization`);
      assert.ok(response.statusCode < 500, said);
    }

    /**
     * E1: an outsider's answer carries nothing of A. Where the request names A's ids, the answer
     * must be the one for ids that do not exist (problems echo the path, which the caller wrote).
     */
    async function assertNothingOfA(request: InjectOptions & { url: string }, response: LightMyRequestResponse, label: string): Promise<void> {
      const { a, redemptionId } = w();
      const seen = `${JSON.stringify(response.headers)} ${response.body}`;
      for (const secret of [a.email, a.name]) assert.ok(!seen.includes(secret), `${label} shows ${secret}: ${seen}`);
      const ghostly = (text: string) => text.replaceAll(a.memberId, GHOST_MEMBER).replaceAll(redemptionId, GHOST_REDEMPTION);
      const sent = `${request.url} ${JSON.stringify(request.payload ?? {})}`;
      if (ghostly(sent) === sent) {
        assert.ok(!seen.includes(a.memberId), `${label} shows A's member id: ${seen}`);
        return;
      }
      const payload = request.payload === undefined ? {} : { payload: JSON.parse(ghostly(JSON.stringify(request.payload))) as Record<string, unknown> };
      const ghost = await ctx.app.inject({ ...request, url: ghostly(request.url), ...payload });
      assert.equal(response.statusCode, ghost.statusCode, `${label} answers as for ids that do not exist`);
      assert.equal(ghostly(response.body), ghost.body, `${label} answers as for ids that do not exist`);
    }

    /** A's ids in the path, the principal's credentials, and a body worth validating. */
    async function requestFor(route: string, principal: Principal): Promise<InjectOptions & { url: string }> {
      const [method = '', path = ''] = route.split(' ');
      let url = path;
      for (const [, name = ''] of path.matchAll(/:(\w+)/gu)) {
        const value = pathValues[name];
        assert.ok(value, `the matrix knows a value for :${name}; add one to pathValues`);
        url = url.replace(`:${name}`, await value());
      }
      url += queries[route]?.() ?? '';
      const token = endsTheSession.has(route) ? await throwawayTokenOf(principal) : tokenOf(principal);
      const headers = { ...as(token), ...(method === 'POST' ? { 'idempotency-key': uniqueExternalId('authz') } : {}) };
      if (method === 'GET' || method === 'DELETE') return { method, url, headers };
      return { method: 'POST', url, headers, payload: bodies[route]?.() ?? {} };
    }

    function tokenOf(principal: Principal): string | null {
      switch (principal.kind) {
        case 'anonymous':
          return null;
        case 'member':
          return w().members[principal.member].token;
        case 'operator':
          return principal.via === 'api token' ? TOKEN : w().operators[principal.role].token;
      }
    }

    /** A second session of the same caller, for a request that ends the one it uses. */
    async function throwawayTokenOf(principal: Principal): Promise<string | null> {
      if (principal.kind === 'member') return anotherSession(ctx, { kind: 'member', id: w().members[principal.member].memberId });
      if (principal.kind === 'operator' && principal.via === 'log-in') return anotherSession(ctx, { kind: 'operator', id: w().operators[principal.role].operatorId });
      return tokenOf(principal);
    }

    const endsTheSession = new Set(['DELETE /v1/auth/sessions/current']);

    /** Query strings by route (default none): a valid one, so a caller let through gets the real answer. */
    const queries: Record<string, () => string> = {
      // Finance (#8): A's program from January to the matrix clock's month, in the program's zone.
      'GET /v1/programs/:program/liability': () => `?from=2026-01&to=${ctx.clock.now().toZonedDateTimeISO('Asia/Tokyo').toPlainDate().toPlainYearMonth().toString()}`,
      // Member search (#8): A's email, which an outsider's answer must not show.
      'GET /v1/programs/:program/members': () => `?query=${encodeURIComponent(w().a.email)}`,
    };

    let draw: Promise<string> | undefined;
    const pathValues: Record<string, () => string | Promise<string>> = {
      id: () => w().a.memberId,
      program: () => w().a.program,
      redemptionId: () => w().redemptionId,
      signupId: () => w().signupId,
      webhookId: () => w().webhookId,
      deliveryId: () => w().deliveryId,
      reportId: () => w().reportId,
      campaign: () => 'hikari-welcome-2026',
      applicationId: () => w().applicationId,
      job: () => 'expire',
      key: () => 'status-up-present',
      period: () => '2024-04',
      // The exclusion route's body fails validation first; an id of the right shape is enough.
      entryId: () => `swe_${'0'.repeat(26)}`,
      drawId: () => (draw ??= givenDraw(ctx)),
      // Disabling ends the operator's sessions: each request names an operator of its own.
      operatorId: async () => (await givenOperatorLogIn(ctx, 'support')).operatorId,
    };

    /**
     * Bodies by route (default `{}`). Public routes carry B's details, never A's: what they answer
     * belongs to the caller. Where a valid body would break later rows (a password change ends
     * sessions, events and jobs change balances), the body fails validation, which runs after
     * authorization, so a 400 still shows the request got through.
     */
    let serial = 0;
    const next = () => (serial += 1);
    const bodies: Record<string, () => Record<string, unknown>> = {
      'POST /v1/auth/signups': () => ({ program: 'flets-club', kind: 'easy', name: 'Dai Daimon', phone: '090-0000-0000', email: `applicant-${next()}@example.jp` }),
      'POST /v1/auth/signups/confirm': () => ({ token: 'pbl_no-such-link-token', password: PASSWORD }),
      'POST /v1/auth/sessions': () => ({ program: 'flets-club', email: w().members['same program'].email, password: PASSWORD }),
      'POST /v1/auth/operator-sessions': () => ({ email: w().operators.support.email, password: PASSWORD }),
      'POST /v1/auth/password-resets': () => ({ program: 'flets-club', email: w().members['same program'].email }),
      'POST /v1/auth/password-resets/confirm': () => ({ token: 'pbl_no-such-link-token', password: PASSWORD }),
      'POST /v1/me/password': () => ({ currentPassword: PASSWORD }),
      'POST /v1/operators': () => ({ email: `operator-${next()}@pointbook.test`, name: 'Matrix operator', role: 'support', password: PASSWORD }),
      'POST /v1/programs/:program/signups/:signupId/review': () => ({ memberId: w().a.memberId }),
      'POST /v1/programs/:program/members': () => ({ externalId: uniqueExternalId('authz') }),
      'POST /v1/members/:id/links': () => ({ system: 'flets-portal', accountId: 'authz-link-of-a' }),
      'POST /v1/members/:id/adjustments': () => ({ points: 1, reason: 'authorization matrix' }),
      'POST /v1/members/:id/redemptions': () => ({ kind: 'bill_credit', points: 1 }),
      'POST /v1/members/:id/redemptions/:redemptionId/refunds': () => ({ points: 1 }),
      'POST /v1/programs/:program/events': () => ({ events: [] }),
      'POST /v1/programs/:program/jobs/:job/runs': () => ({ month: 'not-a-month' }),
      // A is not So-net's: not eligible, after authorization let the request through.
      'POST /v1/sweepstakes/:key/entries': () => ({ member: w().a.memberId, prize: 'S' }),
      // A's line already applied: eligibility answers, a second application is refused; nothing changes.
      'POST /v1/campaigns/:campaign/eligibility': () => ({ member: w().a.memberId, line: w().campaignLine }),
      'POST /v1/campaigns/:campaign/applications': () => ({ member: w().a.memberId, line: w().campaignLine, role: 'subscriber', option: 'discount' }),
      'POST /v1/members/:id/campaign-history': () => ({ entries: [] }),
      // The instant it already is: the clock does not move.
      'POST /v1/test-clock': () => ({ now: ctx.clock.now().toString() }),
    };
  },
  { mailbox: true },
);

/** An easy sign-up whose link was followed, waiting for an operator: its id. */
async function givenSignupToReview(ctx: ApiContext): Promise<string> {
  const email = 'eri.easy@example.jp';
  const form = { program: 'flets-club', kind: 'easy', name: 'Eri Easy', phone: '090-1111-2222', email };
  assert.equal((await call(ctx.app, 'POST', '/v1/auth/signups', form, as(null))).statusCode, 202);
  const token = linkToken(await ctx.mailbox.waitFor(email));
  const confirmed = await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: PASSWORD }, as(null));
  assert.equal(confirmed.statusCode, 202, confirmed.body);
  const waiting = await call(ctx.app, 'GET', '/v1/programs/flets-club/signups');
  const signup = waiting.json<{ items: { id: string; email: string }[] }>().items.find((item) => item.email === email);
  assert.ok(signup, `the sign-up of ${email} waits for review`);
  return signup.id;
}

const insertStop = statement('test.authz.insertStop', `
  insert into contact_requests (member_id, id, program_key, kind, channel, scope, taken_by, verification, status, received_at, verified_at, effective_at, actor)
  values ($1, $2, $3, 'do_not_solicit', 'phone', 'company', 'staff', '{}', 'verified', $4, $4, $4, 'test')`);
const insertReport = statement('test.authz.insertReport', `
  insert into contact_reports (member_id, id, request_id, channel, scope, contacted_at, description, reported_at, reported_by)
  values ($1, $2, $3, 'phone', 'company', $4, 'a call after the stop', $4, 'test')`);

/**
 * A contact report of member A, for the :reportId routes. Member A's program takes no contact
 * requests through the API (no consent section), so the rows are written as they would be.
 */
async function givenContactReport(ctx: ApiContext, memberId: string, program: string): Promise<string> {
  const requestId = newId('crq');
  const reportId = newId('crp');
  const at = ctx.clock.now().toString();
  await ctx.db.query(insertStop, [memberId, requestId, program, at]);
  await ctx.db.query(insertReport, [memberId, reportId, requestId, at]);
  return reportId;
}

const insertPeriod = statement('test.authz.insertSweepstakesPeriod', `
  insert into sweepstakes_periods (sweepstakes_key, period, program_key, seed, commitment, link_key, opened_at)
  values ('status-up-present', '2024-04', 'sonet', $1, $2, $1, $3) on conflict do nothing`);
const insertDraw = statement('test.authz.insertDraw', `
  insert into sweepstakes_draws (id, sweepstakes_key, period, program_key, drawn_at, drawn_by, award_at, seed, commitment, report)
  values ($1, 'status-up-present', '2024-04', 'sonet', $2, 'test', $2, $3, $4, $5)`);

/** A draw of So-net's sweepstakes with no entries, for the :drawId route, written as the draw writes it. */
async function givenDraw(ctx: ApiContext): Promise<string> {
  const id = newId('swd');
  const seed = '00'.repeat(32);
  const commitment = commitmentOf(seed);
  const at = ctx.clock.now().toString();
  const report = { id, sweepstakes: 'status-up-present', period: '2024-04', drawnAt: at, drawnBy: 'test', awardAt: at, commitment, seed, algorithm: 'hmac-sha256-rank/v1', tiers: [], exclusions: {} };
  await ctx.db.query(insertPeriod, [seed, commitment, at]);
  await ctx.db.query(insertDraw, [id, at, seed, commitment, JSON.stringify(report)]);
  return id;
}
