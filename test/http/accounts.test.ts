import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { listTransactions } from '../../src/ledger/index.js';
import { as, call, describeApi, enrol, problemCode, uniqueExternalId, type ApiContext } from '../support/api.js';
import { linkToken } from '../support/mailbox.js';

const PASSWORD = 'hikari fibre tumbler kettle';
const anonymous = as(null);
let emails = 0;
const newEmail = () => `member${++emails}-${process.pid}@example.jp`;

function status(response: LightMyRequestResponse, expected: number, code?: string) {
  assert.equal(response.statusCode, expected, response.body);
  if (code) assert.equal(problemCode(response), code);
  return response.body === '' ? undefined : response.json();
}

/** FL-1 with the access key: letter, form, emailed link, password; answers the session. */
async function signUp(ctx: ApiContext, extra: Record<string, unknown> = {}) {
  const customerId = uniqueExternalId('CAF');
  const memberId = await enrol(ctx.app, 'flets-club', { externalId: customerId, name: '山田 太郎', phone: '090-1234-5678', ...extra });
  const { accessKey } = status(await call(ctx.app, 'POST', `/v1/members/${memberId}/access-keys`), 201);
  const email = newEmail();
  status(await call(ctx.app, 'POST', '/v1/auth/signups', { program: 'flets-club', kind: 'access_key', customerId, accessKey, email }, anonymous), 202);
  const mail = await ctx.mailbox.waitFor(email);
  const confirmed = status(await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token: linkToken(mail), password: PASSWORD }, anonymous), 201);
  return { memberId, customerId, email, token: confirmed.token as string };
}

function logIn(ctx: ApiContext, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return call(ctx.app, 'POST', '/v1/auth/sessions', { program: 'flets-club', email, password }, { ...anonymous, ...headers });
}

describeApi(
  'accounts (FL-1)',
  (ctx) => {
    it('signs up with the access key: emailed link, password rules, one use, a session to the own data only', async () => {
      const customerId = uniqueExternalId('CAF');
      const memberId = await enrol(ctx.app, 'flets-club', { externalId: customerId, name: 'Taro' });
      const { accessKey } = status(await call(ctx.app, 'POST', `/v1/members/${memberId}/access-keys`), 201);
      assert.match(accessKey, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      const email = newEmail();
      const form = { program: 'flets-club', kind: 'access_key', customerId, email };

      const wrong = await call(ctx.app, 'POST', '/v1/auth/signups', { ...form, accessKey: 'AAAA-BBBB-CCCC-DDDD' }, anonymous);
      status(wrong, 422, 'access_key_mismatch');
      const unknown = await call(ctx.app, 'POST', '/v1/auth/signups', { ...form, customerId: 'no-such-customer', accessKey }, anonymous);
      status(unknown, 422, 'access_key_mismatch');
      assert.equal(unknown.json().detail, wrong.json().detail, 'an unknown customer reads like a wrong key');

      // Typed as read off the letter: lower case and spaces.
      const typed = accessKey.toLowerCase().replaceAll('-', ' ');
      status(await call(ctx.app, 'POST', '/v1/auth/signups', { ...form, accessKey: typed }, anonymous), 202);
      const mail = await ctx.mailbox.waitFor(email);
      assert.match(mail.subject, /フレッツ光メンバーズクラブ/);
      assert.match(mail.text, /https:\/\/portal\.pointbook\.test\/signup\/confirm#token=pbl_/);
      const token = linkToken(mail);

      const weak = await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: 'password1' }, anonymous);
      assert.equal(status(weak, 422, 'weak_password').reason, 'guessable');
      const personal = await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: `${customerId} fibre` }, anonymous);
      assert.equal(status(personal, 422, 'weak_password').reason, 'personal');

      const confirmed = status(await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: PASSWORD }, anonymous), 201);
      assert.equal(confirmed.status, 'active');
      assert.equal(confirmed.memberId, memberId);
      status(await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: PASSWORD }, anonymous), 422, 'link_invalid');

      const session = as(confirmed.token);
      const me = status(await call(ctx.app, 'GET', '/v1/me', undefined, session), 200);
      assert.equal(me.member.id, memberId);
      status(await call(ctx.app, 'GET', `/v1/members/${memberId}/balance`, undefined, session), 200);
      const other = await enrol(ctx.app, 'flets-club', { name: 'Someone Else', email: 'else@example.jp' });
      const foreign = await call(ctx.app, 'GET', `/v1/members/${other}`, undefined, session);
      status(foreign, 404, 'not_found');
      assert.doesNotMatch(foreign.body, /Someone Else|else@example/);
      status(await call(ctx.app, 'POST', `/v1/members/${memberId}/adjustments`, { points: 100, reason: 'self-service' }, { ...session, 'idempotency-key': 'self' }), 403, 'forbidden');

      status(await call(ctx.app, 'POST', '/v1/auth/signups', { ...form, accessKey }, anonymous), 409, 'account_exists');
    });

    it('logs in and out; unknown emails and wrong passwords answer alike', async () => {
      const { email, memberId } = await signUp(ctx);
      const session = status(await logIn(ctx, email.toUpperCase()), 201);
      assert.equal(session.memberId, memberId);
      assert.match(session.token, /^pbs_/);

      const wrong = await logIn(ctx, email, 'not the right password at all');
      const nobody = await logIn(ctx, 'nobody-at-all@example.jp', 'not the right password at all');
      status(wrong, 401, 'login_failed');
      status(nobody, 401, 'login_failed');
      assert.deepEqual({ ...wrong.json<object>(), instance: null }, { ...nobody.json<object>(), instance: null });

      status(await call(ctx.app, 'DELETE', '/v1/auth/sessions/current', undefined, as(session.token)), 204);
      status(await call(ctx.app, 'GET', '/v1/me', undefined, as(session.token)), 401, 'unauthorized');
      status(await call(ctx.app, 'GET', '/v1/me', undefined, as('pbs_forged')), 401, 'unauthorized');
    });

    it('F1: locks an account after 10 failures, for known and unknown emails alike; a reset link unlocks it', async () => {
      const { email, token: oldSession } = await signUp(ctx);
      const address = { 'x-forwarded-for': '203.0.113.7' };
      for (let n = 0; n < 10; n += 1) status(await logIn(ctx, email, `wrong password number ${n}`, address), 401, 'login_failed');
      const locked = await logIn(ctx, email, PASSWORD);
      status(locked, 429, 'too_many_attempts');
      assert.ok(Number(locked.headers['retry-after']) > 0 && Number(locked.headers['retry-after']) <= 900);

      const ghost = 'ghost@example.jp';
      for (let n = 0; n < 10; n += 1) status(await logIn(ctx, ghost, `wrong password number ${n}`), 401, 'login_failed');
      status(await logIn(ctx, ghost, PASSWORD), 429, 'too_many_attempts');

      // The owner recovers by the link to their own address; every old session ends.
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email }, anonymous), 202);
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email: ghost }, anonymous), 202);
      const reset = await ctx.mailbox.waitFor(email, (mail) => mail.text.includes('password-reset#token='));
      const newPassword = 'violet harbour lantern quiet';
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets/confirm', { token: linkToken(reset), password: newPassword }, anonymous), 204);
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets/confirm', { token: linkToken(reset), password: newPassword }, anonymous), 422, 'link_invalid');
      status(await call(ctx.app, 'GET', '/v1/me', undefined, as(oldSession)), 401, 'unauthorized');
      status(await logIn(ctx, email, PASSWORD), 401, 'login_failed');
      status(await logIn(ctx, email, newPassword), 201);
      await ctx.mailbox.waitFor(email, (mail) => mail.text.includes('パスワード') && !mail.text.includes('#token='));
      assert.equal(ctx.mailbox.received.filter((mail) => mail.to.includes(ghost)).length, 0, 'no mail for an account that does not exist');
    });

    it('F4: a reset link lives 10 minutes and a newer one replaces it', async () => {
      const { email } = await signUp(ctx);
      const ask = () => call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email }, anonymous);
      const resets = () => ctx.mailbox.received.filter((mail) => mail.to.includes(email) && mail.text.includes('password-reset#token='));
      status(await ask(), 202);
      await ctx.mailbox.waitFor(email, (mail) => mail.text.includes('password-reset#token='));
      status(await ask(), 202);
      await ctx.mailbox.waitFor(email, (mail) => resets().length === 2 && mail === resets()[1]);
      const [first, second] = resets().map(linkToken);
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets/confirm', { token: first, password: 'violet harbour lantern quiet' }, anonymous), 422, 'link_invalid');
      ctx.clock.advance({ minutes: 10, seconds: 1 });
      status(await call(ctx.app, 'POST', '/v1/auth/password-resets/confirm', { token: second, password: 'violet harbour lantern quiet' }, anonymous), 422, 'link_invalid');
      status(await logIn(ctx, email), 201);
    });

    it('changes the password with the current one: other sessions end, this one stays, the owner is told', async () => {
      const { email, memberId, token: first } = await signUp(ctx);
      const second = status(await logIn(ctx, email), 201).token;
      const newPassword = 'copper meadow lantern drift';
      // F3: this log-in came from a device not known yet, so a credential change steps up first; the key verifies the session.
      const refused = status(await call(ctx.app, 'POST', '/v1/me/password', { currentPassword: PASSWORD, newPassword }, as(second)), 422, 'step_up_required');
      assert.deepEqual([refused.kind, refused.newDevice], ['password_change', true]);
      const { key } = status(await call(ctx.app, 'POST', `/v1/members/${memberId}/step-up-keys`, undefined, as(second)), 201);
      status(await call(ctx.app, 'POST', '/v1/me/password', { currentPassword: 'not it at all, sorry', newPassword, stepUpKey: key }, as(second)), 401, 'login_failed');
      status(await call(ctx.app, 'POST', '/v1/me/password', { currentPassword: 'not it at all, sorry', newPassword }, as(second)), 401, 'login_failed');
      status(await call(ctx.app, 'POST', '/v1/me/password', { currentPassword: PASSWORD, newPassword: 'password1' }, as(second)), 422, 'weak_password');
      status(await call(ctx.app, 'POST', '/v1/me/password', { currentPassword: PASSWORD, newPassword }, as(second)), 204);
      status(await call(ctx.app, 'GET', '/v1/me', undefined, as(first)), 401, 'unauthorized');
      status(await call(ctx.app, 'GET', '/v1/me', undefined, as(second)), 200);
      status(await logIn(ctx, email, newPassword), 201);
      await ctx.mailbox.waitFor(email, (mail) => /パスワード/.test(mail.subject) && !mail.text.includes('#token='));
    });

    it('easy sign-up waits for an operator to verify it against the contract', async () => {
      const customerId = uniqueExternalId('CAF');
      const memberId = await enrol(ctx.app, 'flets-club', { externalId: customerId, name: '佐藤 花子', phone: '080-2222-3333' });
      const contract = { id: `evt-${customerId}`, type: 'contract.started', member: { externalId: customerId }, occurredAt: '2026-03-01T00:00:00+09:00', data: { contractId: `FLT-${customerId}`, type: 'flets-hikari' } };
      status(await call(ctx.app, 'POST', '/v1/programs/flets-club/events', { events: [contract] }), 200);
      const decoy = await enrol(ctx.app, 'flets-club', { name: '佐藤 花子', phone: '080-9999-0000' });

      const apply = async (email: string) => {
        const form = { program: 'flets-club', kind: 'easy', name: '佐藤　花子', phone: '０８０ ２２２２ ３３３３', email, contractId: `FLT-${customerId}` };
        status(await call(ctx.app, 'POST', '/v1/auth/signups', form, anonymous), 202);
        const link = await ctx.mailbox.waitFor(email);
        const pending = status(await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token: linkToken(link), password: PASSWORD }, anonymous), 202);
        assert.equal(pending.status, 'pending_review');
        await ctx.mailbox.waitFor(email, (mail) => mail !== link);
        const { items } = status(await call(ctx.app, 'GET', '/v1/programs/flets-club/signups?limit=200'), 200);
        const signup = items.find((s: { email: string }) => s.email === email);
        assert.ok(signup, 'the sign-up waits for review');
        return signup.id as string;
      };

      const first = newEmail();
      const firstId = await apply(first);
      status(await logIn(ctx, first), 403, 'account_pending');
      status(await logIn(ctx, first, 'a wrong password, surely'), 401, 'login_failed');
      const rejected = status(await call(ctx.app, 'POST', `/v1/programs/flets-club/signups/${firstId}/review`, { memberId: decoy }), 200);
      assert.equal(rejected.status, 'rejected');
      assert.deepEqual(rejected.mismatches, ['phone', 'contractId']);
      status(await call(ctx.app, 'POST', `/v1/programs/flets-club/signups/${firstId}/review`, { memberId }), 409, 'signup_not_pending');
      status(await logIn(ctx, first), 401, 'login_failed');

      const second = newEmail();
      const secondId = await apply(second);
      const approved = status(await call(ctx.app, 'POST', `/v1/programs/flets-club/signups/${secondId}/review`, { memberId }), 200);
      assert.equal(approved.status, 'active');
      assert.equal(approved.memberId, memberId);
      assert.equal(approved.reviewedBy, 'operator:admin-token');
      await ctx.mailbox.waitFor(second, (mail) => ctx.mailbox.received.filter((m) => m.to.includes(second)).length === 3 && mail.to.includes(second));
      const session = status(await logIn(ctx, second), 201);
      assert.equal(session.memberId, memberId);
    });

    it('registered_email sign-up mails only the address on record, and answers alike for unknown customers', async () => {
      const customerId = uniqueExternalId('SR');
      const email = newEmail();
      await enrol(ctx.app, 'sony-rewards', { externalId: customerId, email });
      const ask = (id: string) => call(ctx.app, 'POST', '/v1/auth/signups', { program: 'sony-rewards', kind: 'registered_email', customerId: id }, anonymous);
      const known = status(await ask(customerId), 202);
      const unknown = status(await ask('no-such-customer'), 202);
      assert.deepEqual(known, unknown);
      const mail = await ctx.mailbox.waitFor(email);
      assert.match(mail.subject, /Sony Rewards|Rewards/);
      status(await call(ctx.app, 'POST', '/v1/auth/signups', { program: 'sony-rewards', kind: 'easy', name: 'A', phone: '5551234', email }, anonymous), 422, 'signup_not_offered');
    });

    it('FL-5: a member asks for a step-up key, gets it by email, and redeems with it', async () => {
      const { memberId, email, token } = await signUp(ctx, { postalAddress: { postalCode: '100-0001', line1: '千代田1-1' } });
      status(await call(ctx.app, 'POST', `/v1/members/${memberId}/adjustments`, { points: 5000, reason: 'seed' }, { 'idempotency-key': `seed-${memberId}` }), 201);
      const session = as(token);
      const redeem = (key: string, stepUpKey?: string) =>
        call(ctx.app, 'POST', `/v1/members/${memberId}/redemptions`, { kind: 'catalog', rewardId: 'security-software-1y', ...(stepUpKey ? { stepUpKey } : {}) }, { ...session, 'idempotency-key': key });
      status(await redeem('no-key'), 422, 'step_up_required');
      status(await call(ctx.app, 'POST', `/v1/members/${memberId}/step-up-keys`, undefined, session), 201);
      const mail = await ctx.mailbox.waitFor(email, (m) => /\b\d{6}\b/.test(m.text) && !m.text.includes('#token='));
      const key = /\b(\d{6})\b/.exec(mail.text)![1]!;
      const receipt = status(await redeem('with-key', key), 201);
      assert.equal(receipt.stepUp, 'key');
      assert.equal(receipt.balance.available, 2000);
      status(await redeem('again', key), 422, 'step_up_required');
    });
  },
  { mailbox: true },
);

describeApi('operator log-ins and roles', (ctx) => {
  async function operator(role: string) {
    const email = `${role}-${newEmail()}`;
    status(await call(ctx.app, 'POST', '/v1/operators', { email, name: `A ${role}`, role, password: PASSWORD }), 201);
    const session = status(await call(ctx.app, 'POST', '/v1/auth/operator-sessions', { email, password: PASSWORD }, anonymous), 201);
    return { email, token: session.token as string, id: session.operatorId as string };
  }

  it('acts by role, records the operator as the actor, and ends the sessions of a disabled operator', async () => {
    const support = await operator('support');
    const marketing = await operator('marketing');
    const memberId = await enrol(ctx.app);
    const adjusted = status(await call(ctx.app, 'POST', `/v1/members/${memberId}/adjustments`, { points: 10, reason: 'goodwill' }, { ...as(support.token), 'idempotency-key': 'role-1' }), 201);
    const recorded = await listTransactions(ctx.db, memberId, { limit: 10 });
    assert.equal(recorded.find((t) => t.id === adjusted.transactionId)?.actor, `operator:${support.id}`);
    status(await call(ctx.app, 'GET', `/v1/members/${memberId}`, undefined, as(marketing.token)), 403, 'forbidden');
    status(await call(ctx.app, 'GET', '/v1/operators', undefined, as(support.token)), 403, 'forbidden');
    status(await call(ctx.app, 'GET', '/v1/programs', undefined, as(marketing.token)), 200);

    const me = status(await call(ctx.app, 'GET', '/v1/me', undefined, as(support.token)), 200);
    assert.deepEqual(me.operator, { id: support.id, role: 'support', email: support.email });
    status(await call(ctx.app, 'POST', `/v1/operators/${support.id}/disable`), 200);
    status(await call(ctx.app, 'GET', `/v1/members/${memberId}`, undefined, as(support.token)), 401, 'unauthorized');
    status(await call(ctx.app, 'POST', '/v1/auth/operator-sessions', { email: support.email, password: PASSWORD }, anonymous), 401, 'login_failed');
  });

  it('refuses a second operator with the same email and weak operator passwords', async () => {
    const { email } = await operator('finance');
    status(await call(ctx.app, 'POST', '/v1/operators', { email, name: 'Again', role: 'finance', password: PASSWORD }), 409, 'operator_exists');
    status(await call(ctx.app, 'POST', '/v1/operators', { email: newEmail(), name: 'Weak', role: 'admin', password: 'admin1234' }), 422, 'weak_password');
  });
});
