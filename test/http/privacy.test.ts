import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../../src/accounts/passwords.js';
import { openAccount } from '../../src/accounts/signup.js';
import { statement } from '../../src/db/index.js';
import { verifyLedger } from '../../src/ledger/index.js';
import { coveredTables, exemptTables, pseudonymFor, sections } from '../../src/privacy/index.js';
import { adjust, as, call, describeApi, enrol, problemCode, uniqueExternalId, type ApiContext } from '../support/api.js';
import { anotherSession, givenMemberLogIn, PASSWORD } from '../support/principals.js';

/**
 * Issue #7, Privacy: a member's personal data out as JSON, and erasure on request by pseudonym,
 * which leaves the ledger whole and verifiable.
 */

/** Someone with something in every table that can hold a person's data. */
interface Person {
  memberId: string;
  externalId: string;
  token: string;
  /** Strings that name this person and nobody else in the database. */
  identifying: string[];
}

const trusted = { 'x-pointbook-trusted-line': 'true' };
let people = 0;

function ok(response: LightMyRequestResponse, status = 200) {
  assert.equal(response.statusCode, status, response.body);
  return response.body === '' ? undefined : response.json();
}

async function givenPerson(ctx: ApiContext): Promise<Person> {
  const n = `${process.pid}x${(people += 1)}`;
  const externalId = uniqueExternalId('privacy');
  const person = {
    name: `Hikari Privacy${n}`,
    email: `hikari.${n}@example.jp`,
    phone: `+81 90 ${n.replace(/\D/g, '').slice(-8).padStart(8, '7')}`,
    birthDate: '1985-02-03',
    postalAddress: { postalCode: '100-0001', region: '東京都', locality: '千代田区', line1: `千代田1-${n}` },
    country: 'JP',
    attributes: { nickname: `hikachan${n}` },
  };
  // Enrolled with an Idempotency-Key, so the answer (with the profile) is stored for replays.
  const key = `privacy-enrol-${n}`;
  const memberId = ok(await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId, ...person }, { 'idempotency-key': key }), 201).id as string;
  const linkedAccount = `store-${n}`;

  // FL-1: an easy sign-up with the same address before the log-in existed, and a wrong access key.
  ok(await call(ctx.app, 'POST', '/v1/auth/signups', { program: 'flets-club', kind: 'easy', name: person.name, phone: person.phone, email: person.email }, as(null)), 202);
  ok(await call(ctx.app, 'POST', `/v1/members/${memberId}/access-keys`), 201);
  const guess = { program: 'flets-club', kind: 'access_key', customerId: externalId, accessKey: 'AAAA-BBBB-CCCC-DDDD', email: person.email };
  assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/auth/signups', guess, as(null))), 'access_key_mismatch');
  const passwordHash = await hashPassword(PASSWORD);
  await ctx.db.transaction((tx) => openAccount(tx, { program: 'flets-club', memberId, email: person.email, passwordHash, locale: 'ja' }, ctx.clock.now()));
  const token = await anotherSession(ctx, { kind: 'member', id: memberId });
  const wrong = await call(ctx.app, 'POST', '/v1/auth/sessions', { program: 'flets-club', email: person.email, password: 'not the password at all' }, as(null));
  assert.equal(problemCode(wrong), 'login_failed');

  // Points, a link, a contract, a shipped reward to the registered address, a step-up key by email.
  ok(await adjust(ctx.app, memberId, 5000, `privacy-seed-${n}`), 201);
  ok(await call(ctx.app, 'POST', `/v1/members/${memberId}/links`, { system: 'flets-portal', accountId: linkedAccount }), 201);
  const contract = { id: `evt-privacy-${n}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-04-01T10:00:00+09:00', data: { contractId: `K-${n}`, type: 'flets-hikari' } };
  assert.equal(ok(await call(ctx.app, 'POST', '/v1/programs/flets-club/events', { events: [contract] })).results[0].status, 'applied');
  const redeemed = ok(await call(ctx.app, 'POST', `/v1/members/${memberId}/redemptions`, { kind: 'catalog', rewardId: 'tumbler' }, { ...trusted, 'idempotency-key': `privacy-redeem-${n}` }), 201);
  assert.deepEqual(redeemed.fulfilment.shippingAddress, person.postalAddress);
  ok(await call(ctx.app, 'POST', `/v1/members/${memberId}/step-up-keys`), 201);

  // DN-1, DN-6: a verified do-not-solicit request and a report, as consent/ records them.
  await ctx.db.query(
    statement('test.privacy.contactRequest', `
      insert into contact_requests (member_id, id, program_key, kind, channel, scope, verification, status, received_at, verified_at, effective_at, actor)
      values ($1, $2, 'flets-club', 'do_not_solicit', 'web', 'company', $3, 'verified', $4, $4, $4, $5)`),
    [memberId, `crq_${n}`, JSON.stringify({ name: person.name, phone: person.phone, contractNumber: `K-${n}` }), ctx.clock.now().toString(), `member:${memberId}`],
  );
  await ctx.db.query(
    statement('test.privacy.contactReport', `
      insert into contact_reports (member_id, id, request_id, channel, scope, contacted_at, description, reported_at, reported_by)
      values ($1, $2, $3, 'phone', 'company', $4, $5, $4, $6)`),
    [memberId, `crp_${n}`, `crq_${n}`, ctx.clock.now().toString(), `They called ${person.name} on ${person.phone}`, `member:${memberId}`],
  );
  const identifying = [person.name, person.email, person.phone, person.postalAddress.line1, person.attributes.nickname, externalId, linkedAccount];
  return { memberId, externalId, token, identifying };
}

const tablesWithMemberId = statement('test.privacy.tablesWithMemberId', `
  select c.table_name from information_schema.columns c
  join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
  where c.table_schema = current_schema() and c.column_name = 'member_id' and t.table_type = 'BASE TABLE'
  order by c.table_name`);
const allTables = statement('test.privacy.allTables', `
  select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`);

/** Every table of the schema whose rows, as text, contain one of `needles`: where the person still is. */
async function tablesNaming(ctx: ApiContext, needles: readonly string[]): Promise<string[]> {
  const tables = (await ctx.db.query<{ table_name: string }>(allTables)).map((r) => r.table_name);
  const patterns = needles.map((needle) => `%${needle.replace(/[\\%_]/g, '\\$&')}%`);
  const found: string[] = [];
  for (const table of tables) {
    const [row] = await ctx.db.query<{ n: number }>(
      statement(`test.privacy.naming.${table}`, `select count(*)::int as n from "${table}" t where to_jsonb(t)::text ilike any($1::text[])`),
      [patterns],
    );
    if ((row?.n ?? 0) > 0) found.push(table);
  }
  return found;
}

const personalData = (ctx: ApiContext, memberId: string, headers: Record<string, string> = {}) =>
  call(ctx.app, 'GET', `/v1/members/${memberId}/personal-data`, undefined, headers);
const erase = (ctx: ApiContext, memberId: string, reason = 'ticket PRIV-1, request by phone') =>
  call(ctx.app, 'POST', `/v1/members/${memberId}/erasure`, { reason });

describeApi('privacy: personal-data export and erasure (#7)', (ctx) => {
  it('exports every section, grouped, with the person in it and no secret', async () => {
    const person = await givenPerson(ctx);
    const exported = ok(await personalData(ctx, person.memberId));
    assert.equal(exported.version, 1);
    assert.equal(exported.exportedAt, ctx.clock.now().toString());
    assert.equal(exported.memberId, person.memberId);
    assert.deepEqual(Object.keys(exported.sections), sections.map((s) => s.name));

    const { profile, logIn, accessKey, signups, sessions, redemptions, stepUp, ledger, events, contracts, accountLinks, messages, contact, erasure } =
      exported.sections;
    assert.equal(profile.externalId, person.externalId);
    for (const value of person.identifying) assert.ok(JSON.stringify(exported).includes(value), `the export shows ${value}`);
    assert.equal(logIn.email, profile.email);
    assert.ok(logIn.passwordChangedAt);
    assert.ok(accessKey.issuedAt);
    assert.deepEqual(signups.map((s: { kind: string; status: string }) => [s.kind, s.status]), [['easy', 'email_sent']]);
    assert.equal(signups[0].applicant.name, profile.name);
    assert.equal(sessions.length, 1);
    assert.deepEqual(redemptions.map((r: { rewardId: string; fulfilment: { shippingAddress: unknown } }) => [r.rewardId, r.fulfilment.shippingAddress]), [
      ['tumbler', profile.postalAddress],
    ]);
    assert.equal(stepUp.keys.length, 1);
    assert.equal(ledger.balance.available, 3500);
    assert.deepEqual(ledger.transactions.map((t: { points: number; reason: string | null }) => [t.points, t.reason]), [
      [5000, 'test'],
      [-1500, 'FL-3: Stainless tumbler'],
    ]);
    assert.equal(events[0].type, 'contract.started');
    assert.equal(contracts.length, 1);
    assert.equal(accountLinks.length, 1);
    assert.deepEqual(messages.map((m: { template: string; status: string }) => [m.template, m.status]).sort(), [
      ['signup_verification', 'pending'],
      ['step_up_key', 'pending'],
    ]);
    assert.equal(contact.requests[0].verification.name, profile.name);
    assert.equal(erasure, null);

    // No hash of a password, session, link, access key or step-up key, and no mail body.
    const secrets = await ctx.db.query<{ secret: string }>(
      statement('test.privacy.secrets', `
        select password_hash as secret from member_accounts where member_id = $1
        union all select token_hash from sessions where subject_id = $1
        union all select key_hash from member_access_keys where member_id = $1
        union all select key_hash from redemption_step_up_keys where member_id = $1
        union all select body from outbox_messages where member_id = $1 and body is not null`),
      [person.memberId],
    );
    assert.equal(secrets.length, 5);
    const text = JSON.stringify(exported);
    for (const { secret } of secrets) assert.ok(!text.includes(secret), 'a secret in the export');
    assert.doesNotMatch(JSON.stringify(exported), /\$argon2|pbs_|pbl_|password_?hash|token_?hash|key_?hash/i);
  });

  it('lets a member export their own data with their session; another member’s id is 404', async () => {
    const a = await givenMemberLogIn(ctx, 'flets-club', { name: 'Aki Owner', email: `aki-${process.pid}@example.jp` });
    const b = await givenMemberLogIn(ctx, 'flets-club', { name: 'Ben Other', email: `ben-${process.pid}@example.jp` });
    const own = ok(await personalData(ctx, a.memberId, as(a.token)));
    assert.equal(own.sections.profile.name, 'Aki Owner');
    assert.equal(own.sections.sessions.length, 1);
    const foreign = await personalData(ctx, b.memberId, as(a.token));
    assert.equal(foreign.statusCode, 404);
    assert.equal(problemCode(foreign), 'not_found');
    assert.doesNotMatch(foreign.body, /Ben Other/);
    assert.equal(problemCode(await personalData(ctx, `mbr_${'0'.repeat(26)}`)), 'not_found');
  });

  it('covers every table with a member_id column in a section, or says why not', async () => {
    const schema = (await ctx.db.query<{ table_name: string }>(tablesWithMemberId)).map((r) => r.table_name);
    const covered = coveredTables();
    const exempt = Object.keys(exemptTables);
    assert.deepEqual(schema.filter((t) => !covered.includes(t) && !exempt.includes(t)), [], 'tables with member_id that no section exports');
    assert.deepEqual([...covered, ...exempt].filter((t) => !schema.includes(t)), [], 'sections or exemptions naming no table with member_id');
    assert.deepEqual(covered.filter((t) => exempt.includes(t)), [], 'both covered and exempt');
    assert.equal(new Set(covered).size, covered.length, 'a table in two sections');
    for (const [table, reason] of Object.entries(exemptTables)) assert.ok(reason.length > 20, `${table} says why it is exempt`);
  });

  it('erases the person everywhere in one go, and leaves balances, transactions and ledger verify intact', async () => {
    const person = await givenPerson(ctx);
    const before = await tablesNaming(ctx, person.identifying);
    for (const table of ['members', 'member_directory', 'member_links', 'link_directory', 'member_accounts', 'account_directory', 'signups', 'login_throttle',
      'redemptions', 'redemption_fulfilments', 'outbox_messages', 'http_idempotency_keys', 'contact_requests', 'contact_reports']) {
      assert.ok(before.includes(table), `before the erasure, ${table} names the person`);
    }
    const balance = ok(await call(ctx.app, 'GET', `/v1/members/${person.memberId}/balance`));
    const transactions = ok(await call(ctx.app, 'GET', `/v1/members/${person.memberId}/transactions`));

    ctx.clock.advance({ minutes: 5 });
    const erased = ok(await erase(ctx, person.memberId));
    assert.deepEqual(erased, { memberId: person.memberId, erasedAt: ctx.clock.now().toString() });

    assert.deepEqual(await tablesNaming(ctx, person.identifying), [], 'tables that still name the person');
    assert.deepEqual(ok(await call(ctx.app, 'GET', `/v1/members/${person.memberId}/balance`)), balance);
    assert.deepEqual(ok(await call(ctx.app, 'GET', `/v1/members/${person.memberId}/transactions`)), transactions);
    assert.deepEqual(await verifyLedger(ctx.db), [], 'ledger verify');

    // Nothing left to log in with, no live session, no usable link, no mail waiting.
    const [left] = await ctx.db.query<Record<string, number>>(
      statement('test.privacy.left', `
        select (select count(*)::int from member_accounts where member_id = $1) as accounts,
               (select count(*)::int from account_directory where member_id = $1) as account_directory,
               (select count(*)::int from member_access_keys where member_id = $1) as access_keys,
               (select count(*)::int from member_links where member_id = $1) as links,
               (select count(*)::int from link_directory where member_id = $1) as link_directory,
               (select count(*)::int from sessions where subject_id = $1 and (revoked_at is null or ip is not null)) as live_sessions,
               (select count(*)::int from email_tokens e join signups s on s.id = e.subject_id where s.email = $2 and e.used_at is null) as open_links,
               (select count(*)::int from signups where email = $2 and (applicant is not null or password_hash is not null or status <> 'rejected')) as open_signups,
               (select count(*)::int from outbox_messages where recipient = $2 and (status = 'pending' or body is not null)) as pending_mail,
               (select count(*)::int from redemption_step_up_keys where member_id = $1 and used_at is null and revoked_at is null) as live_keys,
               (select count(*)::int from member_memberships where member_id = $1 and ended_at is null) as open_periods,
               (select count(*)::int from member_directory where member_id = $1 and external_id = $2) as pseudonym_in_directory`),
      [person.memberId, pseudonymFor(person.memberId)],
    );
    assert.deepEqual(left, {
      accounts: 0,
      account_directory: 0,
      access_keys: 0,
      links: 0,
      link_directory: 0,
      live_sessions: 0,
      open_links: 0,
      open_signups: 0,
      pending_mail: 0,
      live_keys: 0,
      open_periods: 0,
      pseudonym_in_directory: 1,
    });
  });

  it('exports the lines of a member’s contracts, and erases the birth dates of their users and holders everywhere (#5)', async () => {
    const n = `${process.pid}x${(people += 1)}`;
    const externalId = uniqueExternalId('privacy-line');
    const memberId = ok(await call(ctx.app, 'POST', '/v1/programs/softbank/members', { externalId }), 201).id as string;
    // Birth dates no other row of the database holds, so finding them anywhere is finding this line.
    const [userBirth, holderBirth] = ['2004-11-23', '1969-12-13'];
    const started = {
      id: `evt-line-${n}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-04-01T10:00:00+09:00',
      data: { contractId: `LINE-${n}`, type: 'mobile', plan: 'talk-unlimited', user: { personId: `P-U-${n}`, birthDate: userBirth }, holder: { personId: `P-H-${n}`, birthDate: holderBirth }, origin: 'new' },
    };
    assert.equal(ok(await call(ctx.app, 'POST', '/v1/programs/softbank/events', { events: [started] })).results[0].status, 'applied');
    const [exported] = ok(await personalData(ctx, memberId)).sections.contracts;
    assert.deepEqual([exported.line.user, exported.line.holder, exported.line.origin], [{ personId: `P-U-${n}`, birthDate: userBirth }, { personId: `P-H-${n}`, birthDate: holderBirth }, 'new']);
    assert.deepEqual((await tablesNaming(ctx, [userBirth, holderBirth])).sort(), ['member_contracts', 'member_events']);

    ok(await erase(ctx, memberId));
    assert.deepEqual(await tablesNaming(ctx, [userBirth, holderBirth]), [], 'tables that still hold a birth date of the line');
    const [line] = ok(await call(ctx.app, 'GET', `/v1/members/${memberId}/contracts`));
    assert.deepEqual([line.user, line.holder, line.origin], [{ personId: `P-U-${n}`, birthDate: null }, { personId: `P-H-${n}`, birthDate: null }, 'new']);
    const [after] = ok(await personalData(ctx, memberId)).sections.contracts;
    assert.deepEqual([after.line.user, after.line.holder], [{ personId: `P-U-${n}` }, { personId: `P-H-${n}` }]);
  });

  it('ends the member’s sessions: their token answers 401', async () => {
    const person = await givenPerson(ctx);
    ok(await personalData(ctx, person.memberId, as(person.token)));
    ok(await erase(ctx, person.memberId));
    const after = await personalData(ctx, person.memberId, as(person.token));
    assert.equal(after.statusCode, 401);
    assert.equal(problemCode(after), 'unauthorized');
  });

  it('forgets the old external id: its events are unknown_member, and enrolling it again makes a new member', async () => {
    const person = await givenPerson(ctx);
    ok(await erase(ctx, person.memberId));
    const event = { id: `evt-after-${person.memberId}`, type: 'bill.issued', member: { externalId: person.externalId }, occurredAt: '2026-04-01T12:00:00+09:00', data: { billingMonth: '2026-04', total: { amount: 5000, currency: 'JPY' } } };
    const [result] = ok(await call(ctx.app, 'POST', '/v1/programs/flets-club/events', { events: [event] })).results;
    assert.equal(result.status, 'rejected');
    assert.equal(result.code, 'unknown_member');

    const again = ok(await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId: person.externalId, name: 'Came Back' }), 201);
    assert.notEqual(again.id, person.memberId);
    assert.equal(again.reenrolled, false);
    const newcomer = ok(await call(ctx.app, 'GET', `/v1/members/${again.id}/balance`));
    assert.equal(newcomer.available, 0, 'the new member inherits nothing');
    const pseudonymous = ok(await call(ctx.app, 'GET', `/v1/members/${person.memberId}`));
    assert.equal(pseudonymous.externalId, pseudonymFor(person.memberId));
  });

  it('exports the pseudonymized state of an erased member', async () => {
    const person = await givenPerson(ctx);
    ok(await erase(ctx, person.memberId, 'ticket PRIV-7'));
    const { sections: s } = ok(await personalData(ctx, person.memberId));
    assert.deepEqual(
      { ...s.profile, joinedAt: null, createdAt: null },
      {
        id: person.memberId,
        program: 'flets-club',
        externalId: pseudonymFor(person.memberId),
        name: null,
        email: null,
        phone: null,
        birthDate: null,
        postalAddress: null,
        country: null,
        attributes: {},
        joinedAt: null,
        createdAt: null,
      },
    );
    assert.equal(s.logIn, null);
    assert.equal(s.accessKey, null);
    assert.deepEqual(s.accountLinks, []);
    assert.ok(s.memberships.every((p: { endedAt: string | null }) => p.endedAt !== null), 'no open membership');
    assert.ok(s.sessions.every((x: { revokedAt: string | null; ip: string | null }) => x.revokedAt !== null && x.ip === null));
    assert.deepEqual(s.redemptions[0].fulfilment.shippingAddress, null);
    assert.equal(s.ledger.balance.available, 3500);
    assert.deepEqual(s.contact.requests[0].verification, {});
    assert.deepEqual({ ...s.erasure, erasedAt: null }, { erasedAt: null, erasedBy: 'operator:admin-token', reason: 'ticket PRIV-7' });
  });

  it('is idempotent: a second erasure, even a concurrent one, answers the first', async () => {
    const person = await givenPerson(ctx);
    const first = ok(await erase(ctx, person.memberId));
    ctx.clock.advance({ minutes: 1 });
    assert.deepEqual(ok(await erase(ctx, person.memberId, 'asked twice')), first);

    const other = await givenPerson(ctx);
    const answers = await Promise.all([1, 2, 3].map(() => erase(ctx, other.memberId)));
    assert.deepEqual(answers.map((r) => r.statusCode), [200, 200, 200]);
    assert.equal(new Set(answers.map((r) => r.body)).size, 1, 'one answer');
    const [count] = await ctx.db.query<{ n: number }>(statement('test.privacy.erasures', `select count(*)::int as n from privacy_erasures where member_id = any($1::text[])`), [
      [person.memberId, other.memberId],
    ]);
    assert.equal(count?.n, 2);
  });

  it('refuses an erasure without a reason, of an unknown id, or by anyone but an admin', async () => {
    const memberId = await enrol(ctx.app, 'flets-club', { name: 'Kept Intact' });
    const noReason = await call(ctx.app, 'POST', `/v1/members/${memberId}/erasure`, {});
    assert.equal(noReason.statusCode, 400);
    assert.equal(problemCode(noReason), 'invalid_request');
    assert.equal(problemCode(await erase(ctx, `mbr_${'0'.repeat(26)}`)), 'not_found');
    const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Self Eraser', email: `self-${process.pid}@example.jp` });
    assert.equal(problemCode(await call(ctx.app, 'POST', `/v1/members/${member.memberId}/erasure`, { reason: 'me' }, as(member.token))), 'forbidden');
    assert.equal(ok(await call(ctx.app, 'GET', `/v1/members/${memberId}`)).name, 'Kept Intact');
  });
});
