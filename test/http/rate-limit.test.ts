import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../../src/accounts/passwords.js';
import { startSession } from '../../src/accounts/sessions.js';
import { openAccount } from '../../src/accounts/signup.js';
import { TestClock } from '../../src/clock.js';
import { defaultRateLimits, rateLimitFlows, type RateLimitFlow, type RateLimits } from '../../src/config.js';
import { statement, type Db } from '../../src/db/index.js';
import type { App } from '../../src/http/app.js';
import { assembleApp } from '../../src/http/assemble.js';
import { loadPrograms } from '../../src/programs/index.js';
import { adjust, as, call, enrol, START, TOKEN, uniqueExternalId } from '../support/api.js';
import { describeStorage } from '../support/databases.js';
import { PASSWORD } from '../support/principals.js';

/**
 * RELIABILITY.md G4: each business flow is limited per member and per client address. Every flow
 * here allows 2 requests per member and 3 per address an hour, so the two scopes are told apart:
 * the member's third request is refused by the member quota, the address's fourth (from members
 * with one request each) by the address quota. A refused request must write nothing, and another
 * member or address must still get through.
 */
const quotas = (): RateLimits =>
  Object.fromEntries(rateLimitFlows.map((flow) => [flow, { member: { limit: 2, windowSeconds: 3600 }, ip: { limit: 3, windowSeconds: 3600 } }])) as RateLimits;

interface Actor {
  send(ip: string): Promise<LightMyRequestResponse>;
  /** What the flow writes, so a refused request is seen to have written nothing. */
  footprint(): Promise<unknown>;
}

const count = (name: string, sql: string) => statement(`test.rateLimit.${name}`, sql);
const redemptionsOf = count('redemptions', `select (select count(*) from redemptions where member_id = $1)::int as redemptions, (select count(*) from ledger_journal where member_id = $1)::int as journal`);
const entriesOf = count('entries', `select (select count(*) from sweepstakes_entries where member_id = $1)::int as entries, (select count(*) from sweepstakes_refusals where member_id = $1)::int as refusals`);
const applicationsOf = count('applications', `select count(*)::int as n from campaign_applications where member_id = $1`);
const throttleOf = count('throttle', `select coalesce(sum(failures), 0)::int as failures, count(*)::int as scopes from login_throttle`);
const outbox = count('outbox', `select count(*)::int as n from outbox_messages`);
const signupsOf = count('signups', `select (select count(*) from signups)::int as signups, (select count(*) from outbox_messages)::int as mail`);
const stepUpKeysOf = count('stepUpKeys', `select count(*)::int as n from redemption_step_up_keys where member_id = $1`);

async function one(db: Db, sql: ReturnType<typeof count>, values: unknown[] = []): Promise<unknown> {
  return (await db.query(sql, values))[0];
}

function inject(app: App, ip: string, url: string, payload: object, headers: Record<string, string>) {
  return app.inject({ method: 'POST', url, payload, headers, remoteAddress: ip });
}

type Setup = (ctx: { app: App; db: Db; clock: TestClock }) => Promise<Actor>;

let sequence = 0;
interface LoggedIn {
  memberId: string;
  email: string;
  token: string;
}

/** A member with a log-in (PASSWORD) and a session, as test/support/principals.ts makes them. */
async function loggedIn(ctx: { app: App; db: Db; clock: TestClock }, program: string): Promise<LoggedIn> {
  const email = `${uniqueExternalId('rl')}@example.jp`;
  const memberId = await enrol(ctx.app, program, { name: '光 太郎', email, postalAddress: { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' } });
  const passwordHash = await hashPassword(PASSWORD);
  await ctx.db.transaction((tx) => openAccount(tx, { program, memberId, email, passwordHash, locale: 'ja' }, ctx.clock.now()));
  const { token } = await startSession(ctx.db, { kind: 'member', id: memberId }, { now: ctx.clock.now() });
  return { memberId, email, token };
}

const flows: Record<RateLimitFlow, Setup> = {
  redemption: async (ctx) => {
    const member = await loggedIn(ctx, 'flets-club');
    assert.equal((await adjust(ctx.app, member.memberId, 5000, `${member.memberId}-seed`)).statusCode, 201);
    return {
      send: (ip) =>
        inject(ctx.app, ip, `/v1/members/${member.memberId}/redemptions`, { kind: 'bill_credit', points: 100 }, {
          ...as(member.token),
          'idempotency-key': `rl-${(sequence += 1)}`,
          'x-pointbook-trusted-line': 'true',
        }),
      footprint: () => one(ctx.db, redemptionsOf, [member.memberId]),
    };
  },
  entry: async (ctx) => {
    const member = await loggedIn(ctx, 'sonet');
    return {
      send: (ip) => inject(ctx.app, ip, '/v1/sweepstakes/status-up-present/entries', { member: member.memberId, prize: 'A' }, { ...as(member.token), 'x-pointbook-client-country': 'JP' }),
      footprint: () => one(ctx.db, entriesOf, [member.memberId]),
    };
  },
  application: async (ctx) => {
    const member = await loggedIn(ctx, 'flets-club');
    return {
      send: (ip) =>
        inject(ctx.app, ip, '/v1/campaigns/hikari-welcome-2026/applications', { member: member.memberId, line: `FIBRE-${(sequence += 1)}`, role: 'subscriber', option: 'discount' }, as(member.token)),
      footprint: () => one(ctx.db, applicationsOf, [member.memberId]),
    };
  },
  login: async (ctx) => {
    const member = await loggedIn(ctx, 'flets-club');
    return {
      send: (ip) => inject(ctx.app, ip, '/v1/auth/sessions', { program: 'flets-club', email: member.email, password: 'not the password 1' }, {}),
      footprint: () => one(ctx.db, throttleOf),
    };
  },
  password_reset: async (ctx) => {
    const member = await loggedIn(ctx, 'flets-club');
    return {
      send: (ip) => inject(ctx.app, ip, '/v1/auth/password-resets', { program: 'flets-club', email: member.email }, {}),
      footprint: () => one(ctx.db, outbox),
    };
  },
  signup: async (ctx) => {
    const email = `${uniqueExternalId('rl-signup')}@example.jp`;
    return {
      send: (ip) => inject(ctx.app, ip, '/v1/auth/signups', { program: 'flets-club', kind: 'easy', name: '光 花子', phone: '090-1234-5678', email }, {}),
      footprint: () => one(ctx.db, signupsOf),
    };
  },
  default: async (ctx) => {
    const member = await loggedIn(ctx, 'flets-club');
    return {
      send: (ip) => inject(ctx.app, ip, `/v1/members/${member.memberId}/step-up-keys`, {}, as(member.token)),
      footprint: () => one(ctx.db, stepUpKeysOf, [member.memberId]),
    };
  },
};

let address = 0;
/** A client address of its own (TEST-NET-3), so tests do not share address counters. */
const freshIp = () => `203.0.113.${(address += 1)}`;

function refusedBy(response: LightMyRequestResponse, policy: string): void {
  assert.equal(response.statusCode, 429, response.body);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  const body = response.json<{ code: string; policies: string[]; retryAfter: number }>();
  assert.equal(body.code, 'rate_limited');
  assert.deepEqual(body.policies, [policy]);
  assert.equal(response.headers['retry-after'], String(body.retryAfter));
  assert.ok(body.retryAfter > 0 && body.retryAfter <= 3600, `retryAfter ${body.retryAfter}`);
  assert.match(String(response.headers['ratelimit']), new RegExp(`"${policy}";r=0;t=${body.retryAfter}\\b`));
  assert.match(String(response.headers['ratelimit-policy']), new RegExp(`"${policy}";q=\\d+;w=3600`));
}

const allowed = (response: LightMyRequestResponse) => assert.notEqual(response.statusCode, 429, response.body);

describeStorage('G4 rate limits per flow, member and address', (storage) => {
  const clock = new TestClock(START);
  let app: App | undefined;
  const ctx = {
    get app() {
      assert.ok(app);
      return app;
    },
    get db() {
      return storage.db;
    },
    clock,
  };
  before(async () => {
    ({ app } = await assembleApp({ db: storage.db, programs: loadPrograms('examples/programs'), clock, testClock: clock, adminToken: TOKEN, rateLimits: quotas() }));
  });
  after(async () => app?.close());

  for (const flow of rateLimitFlows) {
    it(`${flow}: a member's third request is 429 and writes nothing; another member goes on`, async () => {
      const ip = freshIp();
      const member = await flows[flow](ctx);
      const first = await member.send(ip);
      allowed(first);
      // Both quotas are announced on an allowed answer, with what is left of each.
      assert.equal(first.headers['ratelimit-policy'], `"${flow}-member";q=2;w=3600, "${flow}-ip";q=3;w=3600`);
      assert.equal(first.headers['ratelimit'], `"${flow}-member";r=1;t=3600, "${flow}-ip";r=2;t=3600`);
      allowed(await member.send(ip));
      const before = await member.footprint();
      refusedBy(await member.send(freshIp()), `${flow}-member`);
      assert.deepEqual(await member.footprint(), before, 'the refused request wrote nothing');
      allowed(await (await flows[flow](ctx)).send(freshIp()));
    });

    it(`${flow}: an address's fourth request is 429 and writes nothing; another address goes on`, async () => {
      const ip = freshIp();
      for (let i = 0; i < 3; i += 1) allowed(await (await flows[flow](ctx)).send(ip));
      const fourth = await flows[flow](ctx);
      const before = await fourth.footprint();
      refusedBy(await fourth.send(ip), `${flow}-ip`);
      assert.deepEqual(await fourth.footprint(), before, 'the refused request wrote nothing');
      allowed(await fourth.send(freshIp()));
    });
  }

  it('counts a window from its first request and starts again when it ends', async () => {
    const member = await flows.redemption(ctx);
    const ip = freshIp();
    allowed(await member.send(ip));
    clock.set(clock.now().add({ minutes: 40 }));
    allowed(await member.send(ip));
    const refused = await member.send(ip);
    refusedBy(refused, 'redemption-member');
    assert.equal(refused.json<{ retryAfter: number }>().retryAfter, 20 * 60);
    clock.set(clock.now().add({ minutes: 20 }));
    assert.equal((await member.send(ip)).statusCode, 201);
  });

  it('limits operators per member but not per address (a call centre shares one)', async () => {
    const id = await enrol(ctx.app, 'flets-club', { email: 'member@example.jp' });
    const ip = freshIp();
    const send = (memberId: string) => ctx.app.inject({ method: 'POST', url: `/v1/members/${memberId}/step-up-keys`, headers: { authorization: `Bearer ${TOKEN}` }, remoteAddress: ip });
    const others = await Promise.all(Array.from({ length: 4 }, () => enrol(ctx.app, 'flets-club', { email: 'member@example.jp' })));
    for (const other of others) assert.equal((await send(other)).statusCode, 201);
    assert.equal((await send(id)).statusCode, 201);
    assert.equal((await send(id)).statusCode, 201);
    refusedBy(await send(id), 'default-member');
  });

  it('shares counters between server processes on one database', async () => {
    const second = (await assembleApp({ db: storage.db, programs: loadPrograms('examples/programs'), clock, adminToken: TOKEN, rateLimits: quotas() })).app;
    try {
      const member = await loggedIn(ctx, 'flets-club');
      const ip = freshIp();
      const key = (app: App, from = ip) => app.inject({ method: 'POST', url: `/v1/members/${member.memberId}/step-up-keys`, headers: as(member.token), remoteAddress: from });
      assert.equal((await key(ctx.app)).statusCode, 201);
      assert.equal((await key(second)).statusCode, 201);
      refusedBy(await key(ctx.app), 'default-member');
      refusedBy(await key(second, freshIp()), 'default-member');
    } finally {
      await second.close();
    }
  });

  it('documents 429 on every limited route and leaves reads and the docs alone', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    assert.ok(doc.paths['/v1/members/{id}/redemptions']?.post?.responses['429']);
    assert.ok(doc.paths['/v1/auth/sessions']?.post?.responses['429']);
    assert.equal(doc.paths['/v1/members/{id}/redemptions']?.get?.responses['429'], undefined);
    const session = await startSession(storage.db, { kind: 'member', id: await enrol(ctx.app, 'flets-club') }, { now: clock.now() });
    const read = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: as(session.token) });
    assert.equal(read.headers['ratelimit'], undefined);
  });

  it('is off where the deployment turns a scope off', async () => {
    const open = { ...quotas(), default: { member: null, ip: null } } satisfies RateLimits;
    const third = (await assembleApp({ db: storage.db, programs: loadPrograms('examples/programs'), clock, adminToken: TOKEN, rateLimits: open })).app;
    try {
      const id = await enrol(third, 'flets-club', { email: 'member@example.jp' });
      for (let i = 0; i < 4; i += 1) {
        const response = await call(third, 'POST', `/v1/members/${id}/step-up-keys`);
        assert.equal(response.statusCode, 201, response.body);
        assert.equal(response.headers['ratelimit'], undefined);
      }
    } finally {
      await third.close();
    }
    assert.ok(defaultRateLimits.login.member === null, 'log-in per account is F1 (accounts/throttle.ts), not a request quota');
  });
});
