import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { startSession } from '../../src/accounts/sessions.js';
import { statement, type Statement } from '../../src/db/index.js';
import type { App } from '../../src/http/app.js';
import { adjust, as, call, describeApi, enrol, TOKEN, uniqueExternalId, type ApiContext } from '../support/api.js';
import { linkToken } from '../support/mailbox.js';
import { givenMemberLogIn, givenOperatorLogIn, PASSWORD } from '../support/principals.js';

/**
 * RELIABILITY J1: every mutating route, found in the OpenAPI document, is called so that it
 * changes something, and then:
 * - the request left audit rows naming its caller, its route and its request id (jobs it ran name
 *   their job run), and no personal data;
 * - every transaction that changed any row of any table during the request wrote one of those
 *   rows: the rows' `xid` is the writing transaction, compared with the `xmin` of every row
 *   changed since the request began — so "in the same transaction" is checked, not assumed.
 * A mutating route without a case here fails the suite; so does a case whose route changed nothing
 * unless the case says why it changes nothing.
 */

type Request = InjectOptions & { method: 'POST' | 'DELETE'; url: string };
interface Case {
  /** Set-up (not under check), then the request that changes something. */
  request(): Promise<Request>;
  /** Who the audit rows must name. */
  actor(): string;
  /** Why this route changes nothing in the database, when it does not. */
  unchanged?: string;
  /**
   * The route writes inside savepoints (one per event): rows written there carry the
   * subtransaction's id as xmin, which is not the id the audit row records (the top-level one) and
   * comes after it. Such rows must come after the first audited transaction of the request.
   */
  savepoints?: true;
}

const JAPAN = { 'x-pointbook-client-country': 'JP' };
// Tables written outside any request: the deliverers' bookkeeping after a commit (decision 58).
const notAudited = ['outbox_messages', 'http_rate_limits', 'schema_migrations'];

const tablesStatement = statement('test.audit.tables', `
  select tablename from pg_tables where schemaname = current_schema() order by tablename`);
const nextXid = statement('test.audit.nextXid', `select pg_snapshot_xmax(pg_current_snapshot())::text::bigint as xid`);
const rowsOfRequest = statement('test.audit.rowsOfRequest', `
  select xid, actor, action, targets, ip, job_run, at from audit_log where request_id = $1 order by xid, id`);

async function mutatingRoutes(app: App): Promise<string[]> {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/gu, ':$1')}`),
    )
    .sort();
}

describeApi(
  'audit: every mutating route writes its audit row in the transaction of its change (J1)',
  (ctx) => {
    let wroteSince: Statement | undefined;
    let serial = 0;
    const covered = new Set<string>();
    const people: string[] = [];

    /** The transactions that changed rows since `xid` (with a table each changed), in every table but `notAudited`. */
    async function transactionsSince(xid: number): Promise<{ xid: number; table: string }[]> {
      if (!wroteSince) {
        const tables = (await ctx.db.query<{ tablename: string }>(tablesStatement)).map((t) => t.tablename).filter((t) => !notAudited.includes(t));
        const each = tables.map((t) => `select xmin::text::bigint as xid, '${t}' as table_name from "${t}" where xmin::text::bigint >= $1`);
        wroteSince = statement('test.audit.wroteSince', `select xid, min(table_name) as table_name from (${each.join(' union all ')}) w group by xid order by xid`);
      }
      return (await ctx.db.query<{ xid: number; table_name: string }>(wroteSince, [xid])).map((r) => ({ xid: r.xid, table: r.table_name }));
    }

    async function check(route: string, c: Case): Promise<LightMyRequestResponse> {
      const request = await c.request();
      const [before] = await ctx.db.query<{ xid: number }>(nextXid);
      assert.ok(before);
      serial += 1;
      const requestId = `audit-coverage-${serial}`;
      const response = await ctx.app.inject({ ...request, headers: { authorization: `Bearer ${TOKEN}`, ...request.headers, 'x-request-id': requestId } });
      assert.ok(response.statusCode >= 200 && response.statusCode < 300, `${route}: ${response.statusCode} ${response.body}`);
      const rows = await ctx.db.query<{ xid: number; actor: string; action: string; targets: string[]; ip: string; job_run: string | null; at: Temporal.Instant }>(rowsOfRequest, [requestId]);
      const changed = await transactionsSince(before.xid);
      if (c.unchanged) {
        assert.deepEqual({ rows, changed }, { rows: [], changed: [] }, `${route} changes nothing: ${c.unchanged}`);
      } else {
        assert.ok(rows.length > 0, `${route} changed something and left an audit row`);
        for (const row of rows) {
          if (row.job_run === null) assert.deepEqual([row.actor, row.action], [c.actor(), route], `${route}: who and what`);
          else assert.match(row.action, /^job:[a-z-]+$/u, `${route}: a job it ran names itself`);
          assert.equal(row.ip, '127.0.0.1', `${route}: where`);
        }
        const audited = new Set(rows.map((r) => r.xid));
        const first = Math.min(...audited);
        const accounted = (xid: number) => audited.has(xid) || (c.savepoints === true && xid > first);
        assert.deepEqual(changed.filter((w) => !accounted(w.xid)), [], `${route}: transactions that changed rows without an audit row`);
      }
      for (const secret of people) assert.ok(!JSON.stringify(rows).includes(secret), `${route}: the audit row holds ${secret}`);
      covered.add(route);
      return response;
    }

    const cases = casesFor(ctx, people);

    it('has a case for every mutating route, and no case for a route that is gone', async () => {
      const routes = await mutatingRoutes(ctx.app);
      assert.deepEqual(routes.filter((r) => !(r in cases)), [], 'mutating routes without a case: add one here');
      assert.deepEqual(Object.keys(cases).filter((r) => !routes.includes(r)), [], 'cases of no route');
    });

    it('writes, for every change of every mutating route, an audit row in the same transaction', async (t) => {
      // In the order written: the sweepstakes of 2024 first, as the test clock only moves forward.
      for (const [route, c] of Object.entries(cases)) await t.test(route, async () => void (await check(route, c)));
      assert.deepEqual((await mutatingRoutes(ctx.app)).filter((r) => !covered.has(r)), [], 'every mutating route checked');
    });

    it('writes no audit row for a change that was refused and rolled back', async () => {
      const id = await enrol(ctx.app);
      const [before] = await ctx.db.query<{ xid: number }>(nextXid);
      assert.ok(before);
      const overdraw = await call(ctx.app, 'POST', `/v1/members/${id}/adjustments`, { points: -5, reason: 'more than there is' }, { 'idempotency-key': `${id}-overdraw`, 'x-request-id': 'audit-refused' });
      assert.equal(overdraw.statusCode, 422, overdraw.body);
      assert.deepEqual(await ctx.db.query(rowsOfRequest, ['audit-refused']), []);
      assert.deepEqual(await transactionsSince(before.xid), []);
    });

    it('shows admins the log by target, actor and time; the member sees none of it', async () => {
      const id = await enrol(ctx.app);
      assert.equal((await adjust(ctx.app, id, 10, `${id}-audit-read`)).statusCode, 201);
      const listed = await call(ctx.app, 'GET', `/v1/audit?target=${id}&limit=1`);
      assert.equal(listed.statusCode, 200, listed.body);
      const page = listed.json<{ items: { action: string; actor: string; targets: string[] }[]; nextCursor: string | null }>();
      assert.deepEqual(page.items.map((e) => [e.action, e.actor]), [['POST /v1/members/:id/adjustments', 'operator:admin-token']]);
      assert.ok(page.items[0]?.targets.includes(id));
      assert.ok(page.nextCursor, 'the enrolment is on the next page');
      const next = (await call(ctx.app, 'GET', `/v1/audit?target=${id}&cursor=${page.nextCursor}`)).json<{ items: { action: string }[] }>();
      assert.deepEqual(next.items.map((e) => e.action), ['POST /v1/programs/:program/members']);
      const support = await givenOperatorLogIn(ctx, 'support');
      assert.equal((await call(ctx.app, 'GET', '/v1/audit', undefined, as(support.token))).statusCode, 403);
      assert.equal((await call(ctx.app, 'GET', '/v1/audit?cursor=bm90LWEtY3Vyc29y')).statusCode, 400);
    });
  },
  { mailbox: true, start: '2024-03-01T00:00:00+09:00' },
);

const ADMIN = 'operator:admin-token';

/** One case per mutating route, in the order they run. */
function casesFor(ctx: ApiContext, people: string[]): Record<string, Case> {
  const post = (url: string, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}): Request => ({ method: 'POST', url, payload, headers });
  const admin = () => ADMIN;
  const idem = () => ({ 'idempotency-key': uniqueExternalId('audit') });
  const moveTo = async (now: string) => assert.equal((await call(ctx.app, 'POST', '/v1/test-clock', { now })).statusCode, 200);
  const person = (name: string) => {
    const email = `${uniqueExternalId('audit')}@example.jp`;
    people.push(email, name);
    return { name, email };
  };
  const ok = <T>(response: LightMyRequestResponse, status = 201): T => {
    assert.equal(response.statusCode, status, response.body);
    return response.json<T>();
  };

  // Sweepstakes (2024): a superstar of 16 years enters in April; the draw is on 1 June.
  let superstar = { id: '', token: '' };
  let entryId = '';
  const sweepstakes: Record<string, Case> = {
    'POST /v1/test-clock': {
      async request() {
        const id = await enrol(ctx.app, 'sonet', { externalId: uniqueExternalId('su'), joinedAt: '2008-01-10T10:00:00+09:00', ...person('ソネット 星子'), postalAddress: { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' }, attributes: { superstar: true } });
        superstar = { id, token: '' };
        await moveTo('2024-03-01T00:00:00+09:00');
        return post('/v1/test-clock', { now: '2024-04-02T10:00:00+09:00' }); // April's statuses and the status job run
      },
      actor: admin,
    },
    'POST /v1/sweepstakes/:key/entries': {
      async request() {
        superstar.token = (await startSession(ctx.db, { kind: 'member', id: superstar.id }, { now: ctx.clock.now() })).token;
        return post('/v1/sweepstakes/status-up-present/entries', { member: superstar.id, prize: 'S' }, { ...as(superstar.token), ...JAPAN });
      },
      actor: () => `member:${superstar.id}`,
    },
    'POST /v1/sweepstakes/:key/entries/:entryId/exclusion': {
      async request() {
        const listed = ok<{ items: { id: string; memberId: string }[] }>(await call(ctx.app, 'GET', '/v1/sweepstakes/status-up-present/entries?period=2024-04'), 200);
        entryId = listed.items.find((e) => e.memberId === superstar.id)?.id ?? '';
        return post(`/v1/sweepstakes/status-up-present/entries/${entryId}/exclusion`, { reason: 'audit coverage' });
      },
      actor: admin,
    },
    'POST /v1/sweepstakes/:key/draws': {
      async request() {
        await moveTo('2024-06-01T10:00:00+09:00');
        return post('/v1/sweepstakes/status-up-present/draws', { period: '2024-04' });
      },
      actor: admin,
    },
  };

  // Everything else (2026: the campaigns and programs of now).
  let member = { memberId: '', program: '', email: '', token: '', externalId: '' };
  let signup = { email: '', id: '' };
  let webhookId = '';
  let reportStop = { memberId: '', effectiveAt: '', reportId: '' };
  let campaignLine = '';
  let operatorId = '';
  const now = {
    'POST /v1/auth/signups': {
      async request() {
        await moveTo('2026-04-01T09:00:00+09:00');
        const m = await givenMemberLogIn(ctx, 'flets-club', person('光 花子'));
        member = { ...m, memberId: m.memberId };
        signup = { email: person('光 次郎').email, id: '' };
        return post('/v1/auth/signups', { program: 'flets-club', kind: 'easy', name: '光 次郎', phone: '090-1111-3333', email: signup.email }, as(null));
      },
      actor: () => 'anonymous',
    },
    'POST /v1/auth/signups/confirm': {
      async request() {
        const token = linkToken(await ctx.mailbox.waitFor(signup.email));
        return post('/v1/auth/signups/confirm', { token, password: PASSWORD }, as(null));
      },
      actor: () => 'anonymous',
    },
    'POST /v1/programs/:program/signups/:signupId/review': {
      async request() {
        const waiting = ok<{ items: { id: string; email: string }[] }>(await call(ctx.app, 'GET', '/v1/programs/flets-club/signups'), 200);
        signup.id = waiting.items.find((s) => s.email === signup.email)?.id ?? '';
        return post(`/v1/programs/flets-club/signups/${signup.id}/review`, { memberId: member.memberId });
      },
      actor: admin,
    },
    'POST /v1/auth/sessions': {
      request: async () => post('/v1/auth/sessions', { program: 'flets-club', email: member.email, password: PASSWORD }, as(null)),
      actor: () => 'anonymous',
    },
    'DELETE /v1/auth/sessions/current': {
      async request() {
        const token = (await startSession(ctx.db, { kind: 'member', id: member.memberId }, { now: ctx.clock.now() })).token;
        return { method: 'DELETE', url: '/v1/auth/sessions/current', headers: as(token) };
      },
      actor: () => `member:${member.memberId}`,
    },
    'POST /v1/auth/password-resets': {
      request: async () => post('/v1/auth/password-resets', { program: 'flets-club', email: member.email }, as(null)),
      actor: () => 'anonymous',
    },
    'POST /v1/auth/password-resets/confirm': {
      async request() {
        const token = linkToken(await ctx.mailbox.waitFor(member.email, (m) => /password|パスワード/iu.test(m.subject)));
        return post('/v1/auth/password-resets/confirm', { token, password: `${PASSWORD} reset` }, as(null));
      },
      actor: () => 'anonymous',
    },
    'POST /v1/auth/login-codes': {
      request: async () => post('/v1/auth/login-codes', { program: 'flets-club', email: member.email }, as(null)),
      actor: () => 'anonymous',
    },
    'POST /v1/me/password': {
      async request() {
        member.token = (await startSession(ctx.db, { kind: 'member', id: member.memberId }, { now: ctx.clock.now() })).token;
        return post('/v1/me/password', { currentPassword: `${PASSWORD} reset`, newPassword: `${PASSWORD} changed` }, as(member.token));
      },
      actor: () => `member:${member.memberId}`,
    },
    'POST /v1/operators': {
      request: async () => post('/v1/operators', { email: `${uniqueExternalId('op')}@pointbook.test`, name: 'Audit operator', role: 'support', password: PASSWORD }),
      actor: admin,
    },
    'POST /v1/auth/operator-sessions': {
      async request() {
        const email = `${uniqueExternalId('op')}@pointbook.test`;
        operatorId = ok<{ id: string }>(await call(ctx.app, 'POST', '/v1/operators', { email, name: 'Audit operator', role: 'support', password: PASSWORD })).id;
        return post('/v1/auth/operator-sessions', { email, password: PASSWORD }, as(null));
      },
      actor: () => 'anonymous',
    },
    'POST /v1/operators/:operatorId/disable': {
      request: async () => post(`/v1/operators/${operatorId}/disable`),
      actor: admin,
    },
    'POST /v1/programs/:program/members': {
      request: async () => post('/v1/programs/flets-club/members', { externalId: uniqueExternalId('audit'), ...person('光 三郎') }),
      actor: admin,
    },
    'POST /v1/members/:id/access-keys': { request: async () => post(`/v1/members/${member.memberId}/access-keys`), actor: admin },
    'POST /v1/members/:id/links': {
      request: async () => post(`/v1/members/${member.memberId}/links`, { system: 'flets-portal', accountId: uniqueExternalId('portal') }),
      actor: admin,
    },
    'POST /v1/programs/:program/webhooks': {
      request: async () => post('/v1/programs/flets-club/webhooks', { url: 'http://127.0.0.1:9/audit', events: ['points.credited'] }),
      actor: admin,
    },
    'POST /v1/members/:id/adjustments': {
      async request() {
        webhookId = ok<{ items: { id: string }[] }>(await call(ctx.app, 'GET', '/v1/programs/flets-club/webhooks'), 200).items[0]?.id ?? '';
        return post(`/v1/members/${member.memberId}/adjustments`, { points: 5000, reason: 'audit coverage' }, idem());
      },
      actor: admin,
    },
    'POST /v1/programs/:program/webhooks/:webhookId/deliveries/:deliveryId/replay': {
      async request() {
        const deliveries = ok<{ items: { id: string }[] }>(await call(ctx.app, 'GET', `/v1/programs/flets-club/webhooks/${webhookId}/deliveries`), 200);
        return post(`/v1/programs/flets-club/webhooks/${webhookId}/deliveries/${deliveries.items[0]?.id ?? ''}/replay`);
      },
      actor: admin,
    },
    'POST /v1/programs/:program/webhooks/:webhookId/disable': { request: async () => post(`/v1/programs/flets-club/webhooks/${webhookId}/disable`), actor: admin },
    'POST /v1/members/:id/step-up-keys': { request: async () => post(`/v1/members/${member.memberId}/step-up-keys`), actor: admin },
    'POST /v1/members/:id/redemptions': {
      request: async () => post(`/v1/members/${member.memberId}/redemptions`, { kind: 'bill_credit', points: 100 }, { ...idem(), 'x-pointbook-trusted-line': 'true' }),
      actor: admin,
    },
    'POST /v1/members/:id/redemptions/:redemptionId/refunds': {
      async request() {
        const id = await enrol(ctx.app, 'sony-rewards');
        ok(await adjust(ctx.app, id, 5000, `${id}-seed`));
        const order = { kind: 'checkout', points: 300, orderId: `O-${id}`, orderTotal: { amountMinor: 5000, currency: 'USD' } };
        const paid = ok<{ id: string }>(await call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, order, idem()));
        return post(`/v1/members/${id}/redemptions/${paid.id}/refunds`, { points: 100 }, idem());
      },
      actor: admin,
    },
    'POST /v1/programs/:program/events': {
      async request() {
        campaignLine = `FIBRE-${member.externalId}`;
        const data = { contractId: campaignLine, type: 'flets-hikari', plan: 'home', commitmentDiscount: true, origin: 'new' };
        return post('/v1/programs/flets-club/events', { events: [{ id: `start-${campaignLine}`, type: 'contract.started', member: { externalId: member.externalId }, occurredAt: ctx.clock.now().toString(), data }] });
      },
      actor: admin,
      savepoints: true,
    },
    'POST /v1/campaigns/:campaign/eligibility': {
      request: async () => post('/v1/campaigns/hikari-welcome-2026/eligibility', { member: member.memberId, line: campaignLine }),
      actor: admin,
      unchanged: 'eligibility is a question: it reads',
    },
    'POST /v1/campaigns/:campaign/applications': {
      request: async () => post('/v1/campaigns/hikari-welcome-2026/applications', { member: member.memberId, line: campaignLine, role: 'subscriber', option: 'discount' }, idem()),
      actor: admin,
    },
    'POST /v1/members/:id/campaign-history': {
      request: async () => post(`/v1/members/${member.memberId}/campaign-history`, { entries: [{ personId: `P-${member.memberId}`, campaign: 'white-gakuwari', startedAt: '2015-04-01T00:00:00+09:00' }] }, idem()),
      actor: admin,
    },
    'POST /v1/members/:id/contact-requests': {
      async request() {
        const externalId = uniqueExternalId('SN');
        const id = await enrol(ctx.app, 'sonet', { externalId, name: '鈴木 一郎', phone: '090-5555-0101', email: `${externalId}@example.jp` });
        people.push(`${externalId}@example.jp`, '090-5555-0101');
        const contract = { id: `c-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-01-05T10:00:00+09:00', data: { contractId: `SN-${externalId}`, type: 'sonet-hikari' } };
        ok(await call(ctx.app, 'POST', '/v1/programs/sonet/events', { events: [contract] }), 200);
        reportStop.memberId = id;
        const verification = { name: '鈴木一郎', phone: '09055550101', contractNumber: `SN-${externalId}` };
        return post(`/v1/members/${id}/contact-requests`, { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'staff', verification }, idem());
      },
      actor: admin,
    },
    'POST /v1/members/:id/contact-reports': {
      async request() {
        const stops = ok<{ items: { effectiveAt: string }[] } | { effectiveAt: string }[]>(await call(ctx.app, 'GET', `/v1/members/${reportStop.memberId}/contact-requests`), 200);
        const first = Array.isArray(stops) ? stops[0] : stops.items[0];
        const contactedAt = Temporal.Instant.from(first?.effectiveAt ?? '').add({ hours: 30 }).toString();
        return post(`/v1/members/${reportStop.memberId}/contact-reports`, { channel: 'phone', scope: 'company', contactedAt, description: '勧誘の電話' });
      },
      actor: admin,
    },
    'POST /v1/members/:id/contact-reports/:reportId/resolve': {
      async request() {
        const reports = ok<{ items: { id: string; memberId: string }[] }>(await call(ctx.app, 'GET', '/v1/programs/sonet/contact-reports?limit=200'), 200);
        reportStop.reportId = reports.items[0]?.id ?? '';
        return post(`/v1/members/${reportStop.memberId}/contact-reports/${reportStop.reportId}/resolve`);
      },
      actor: admin,
    },
    'POST /v1/programs/:program/jobs/:job/runs': {
      request: async () => post('/v1/programs/flets-club/jobs/expire/runs', { asOf: ctx.clock.now().toString() }),
      actor: admin,
    },
    'POST /v1/simulations': {
      request: async () => post('/v1/simulations', { scenario: 'title: nothing\nsteps: []\n', fileName: 'audit.yaml' }),
      actor: admin,
      unchanged: 'a simulation runs on a scratch database of its own',
    },
    'POST /v1/programs/:program/definition-checks': {
      request: async () => post('/v1/programs/flets-club/definition-checks', { kind: 'campaign', text: 'key: nothing\n' }),
      actor: admin,
      unchanged: 'a definition check only parses',
    },
    'POST /v1/members/:id/erasure': { request: async () => post(`/v1/members/${member.memberId}/erasure`, { reason: 'audit coverage' }), actor: admin },
  } satisfies Record<string, Case>;
  return { ...sweepstakes, ...now };
}
