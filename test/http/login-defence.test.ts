import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword } from '../../src/accounts/passwords.js';
import { openAccount } from '../../src/accounts/signup.js';
import { adjust, as, call, describeApi, enrol, problemCode, uniqueExternalId } from '../support/api.js';

/**
 * RELIABILITY.md F3 and F2's capability (decision 72): a log-in from a device not known for the
 * account gets a session that steps up before it spends points or changes credentials, and its
 * owner is told; while log-ins fail in numbers, such a device is challenged before its password is
 * checked, and the owner gets in with a code emailed to the account. (F1 is test/http/accounts.test.ts;
 * the 10,000-attempt drill is test/reliability/credential-stuffing.test.ts.)
 */
const PASSWORD = 'hikari fibre tumbler kettle 7';
const newDevice = () => randomBytes(32).toString('base64url');
let addresses = 0;
const newAddress = () => `198.51.100.${(addresses += 1) % 250}`;

function expect(response: LightMyRequestResponse, status: number, code?: string) {
  assert.equal(response.statusCode, status, response.body);
  if (code) assert.equal(problemCode(response), code);
  return response.body === '' ? undefined : response.json();
}

/** The answer without what differs between any two requests (`instance`). */
const shape = (response: LightMyRequestResponse) => ({ status: response.statusCode, ...response.json<object>(), instance: null });

describeApi(
  'known devices and log-in challenges (F2, F3)',
  (ctx) => {
    interface Person {
      memberId: string;
      email: string;
    }

    async function person(program = 'flets-club', points = 10_000): Promise<Person> {
      const email = `${uniqueExternalId('dev')}@example.jp`;
      const memberId = await enrol(ctx.app, program, { name: '光 太郎', email, postalAddress: { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' } });
      const passwordHash = await hashPassword(PASSWORD);
      await ctx.db.transaction((tx) => openAccount(tx, { program, memberId, email, passwordHash, locale: 'ja' }, ctx.clock.now()));
      expect(await adjust(ctx.app, memberId, points, `${memberId}-seed`), 201);
      return { memberId, email };
    }

    function logIn(body: { email: string; password?: string; device?: string; loginCode?: string; program?: string }, ip = '203.0.113.1') {
      return ctx.app.inject({ method: 'POST', url: '/v1/auth/sessions', payload: { program: 'flets-club', password: PASSWORD, ...body }, headers: as(null), remoteAddress: ip });
    }

    async function session(body: Parameters<typeof logIn>[0], ip?: string): Promise<string> {
      return expect(await logIn(body, ip), 201).token;
    }

    let keys = 0;
    function redeem(who: Person, token: string, body: Record<string, unknown> = { kind: 'bill_credit', points: 100 }, headers: Record<string, string> = {}) {
      return call(ctx.app, 'POST', `/v1/members/${who.memberId}/redemptions`, body, { ...as(token), 'idempotency-key': `dev-${(keys += 1)}`, ...headers });
    }

    async function stepUpKey(who: Person, token: string): Promise<string> {
      return expect(await call(ctx.app, 'POST', `/v1/members/${who.memberId}/step-up-keys`, undefined, as(token)), 201).key;
    }

    const notices = (who: Person) => ctx.mailbox.received.filter((m) => m.to.includes(who.email) && m.subject.includes('新しい端末'));
    const balance = async (who: Person) => expect(await call(ctx.app, 'GET', `/v1/members/${who.memberId}/balance`), 200).available as number;

    it('F3: a new device steps up before any redemption, bill credit included; the key verifies it, and it is known from then on', async () => {
      const owner = await person();
      const phone = newDevice();
      const first = await session({ email: owner.email, device: phone });
      await ctx.mailbox.waitFor(owner.email, (m) => m.subject.includes('新しい端末'));

      const refused = expect(await redeem(owner, first), 422, 'step_up_required');
      assert.deepEqual([refused.reason, refused.kind, refused.newDevice], ['missing', 'bill_credit', true]);
      assert.equal(await balance(owner), 10_000, 'nothing taken');
      const receipt = expect(await redeem(owner, first, { kind: 'bill_credit', points: 100, stepUpKey: await stepUpKey(owner, first) }), 201);
      assert.equal(receipt.stepUp, 'key');
      assert.equal(expect(await redeem(owner, first), 201).stepUp, 'not_required', 'the session is verified now');

      // The device is known: a later log-in from it redeems as before, and tells the owner nothing new.
      const later = await session({ email: owner.email, device: phone });
      assert.equal(expect(await redeem(owner, later), 201).stepUp, 'not_required');
      // FL-5 is unchanged on a known device: a catalog exchange still needs the line or a key.
      const catalog = expect(await redeem(owner, later, { kind: 'catalog', rewardId: 'security-software-1y' }), 422, 'step_up_required');
      assert.equal(catalog.newDevice, undefined);
      assert.equal(notices(owner).length, 1, 'one notice: the first log-in from the phone');

      // Another device, verified by the registered line instead of a key.
      const tablet = await session({ email: owner.email, device: newDevice() });
      expect(await redeem(owner, tablet), 422, 'step_up_required');
      assert.equal(expect(await redeem(owner, tablet, undefined, { 'x-pointbook-trusted-line': 'true' }), 201).stepUp, 'trusted_line');
      assert.equal(expect(await redeem(owner, tablet), 201).stepUp, 'not_required');
      await ctx.mailbox.waitFor(owner.email, () => notices(owner).length === 2);
    });

    it('F3: a program with no step-up of its own issues keys to a member on a new device, for a checkout', async () => {
      const shopper = await person('sony-rewards', 5_000);
      const token = await session({ program: 'sony-rewards', email: shopper.email });
      const checkout = { kind: 'checkout', points: 100, orderId: uniqueExternalId('SO'), orderTotal: { amountMinor: 5000, currency: 'USD' } };
      expect(await redeem(shopper, token, checkout), 422, 'step_up_required');
      const key = await stepUpKey(shopper, token);
      assert.equal(expect(await redeem(shopper, token, { ...checkout, stepUpKey: key }), 201).stepUp, 'key');
    });

    it('F3: a password change steps up on a new device, and forgets the devices of the sessions it ends', async () => {
      const owner = await person();
      const laptop = newDevice();
      const onLaptop = await session({ email: owner.email, device: laptop });
      expect(await redeem(owner, onLaptop, undefined, { 'x-pointbook-trusted-line': 'true' }), 201);
      const elsewhere = await session({ email: owner.email });
      const change = (token: string, extra: Record<string, unknown> = {}) =>
        call(ctx.app, 'POST', '/v1/me/password', { currentPassword: PASSWORD, newPassword: 'copper meadow lantern drift 7', ...extra }, as(token));
      expect(await change(elsewhere), 422, 'step_up_required');
      const key = await stepUpKey(owner, elsewhere);
      assert.equal(expect(await change(elsewhere, { stepUpKey: key === '000000' ? '000001' : '000000' }), 422, 'step_up_required').reason, 'wrong_key');
      expect(await change(elsewhere, { stepUpKey: key }), 204);
      expect(await call(ctx.app, 'GET', '/v1/me', undefined, as(onLaptop)), 401, 'unauthorized');
      // The laptop was known; after the change it is a new device again.
      const again = await session({ email: owner.email, password: 'copper meadow lantern drift 7', device: laptop });
      expect(await redeem(owner, again), 422, 'step_up_required');
    });

    it('F2: an address that failed on 20 accounts is challenged on its own; other addresses are not', async () => {
      const owner = await person();
      const proxy = '192.0.2.77';
      for (let n = 0; n < 20; n += 1) expect(await logIn({ email: `${uniqueExternalId('leak')}@example.jp` }, proxy), 401, 'login_failed');
      expect(await logIn({ email: owner.email }, proxy), 403, 'login_challenge_required');
      expect(await logIn({ email: owner.email }, '192.0.2.78'), 201);
      // The program's own count (20 of 30) starts afresh in the next window.
      ctx.clock.advance({ minutes: 6 });
    });

    it('F2: past 30 failures, new devices are challenged alike before the password; a known device and an emailed code get in', async () => {
      const owner = await person();
      const other = await person();
      const phone = newDevice();
      expect(await redeem(owner, await session({ email: owner.email, device: phone }), undefined, { 'x-pointbook-trusted-line': 'true' }), 201);
      for (let n = 0; n < 29; n += 1) expect(await logIn({ email: `${uniqueExternalId('leak')}@example.jp`, device: newDevice() }, newAddress()), 401, 'login_failed');
      // The 30th failure starts the challenge: it was answered as the failure it was.
      expect(await logIn({ email: owner.email, password: 'a leaked old password', device: newDevice() }, newAddress()), 401, 'login_failed');

      const unknown = await logIn({ email: 'nobody-here@example.jp' }, newAddress());
      const wrong = await logIn({ email: owner.email, password: 'another leaked password' }, newAddress());
      const right = await logIn({ email: owner.email, device: newDevice() }, newAddress());
      const rightElsewhere = await logIn({ email: other.email }, newAddress());
      for (const answer of [unknown, wrong, right, rightElsewhere]) expect(answer, 403, 'login_challenge_required');
      assert.deepEqual(new Set([unknown, wrong, right, rightElsewhere].map((a) => JSON.stringify(shape(a)))).size, 1, 'one answer for every email and password');

      // The owner's own device logs in and redeems as before.
      const own = await session({ email: owner.email, device: phone }, newAddress());
      assert.equal(expect(await redeem(owner, own), 201).stepUp, 'not_required');

      // The other member asks for a code; an unknown email gets the same answer and no mail.
      const ask = (email: string) => call(ctx.app, 'POST', '/v1/auth/login-codes', { program: 'flets-club', email }, as(null));
      const asked = await ask(other.email);
      const askedUnknown = await ask('nobody-here@example.jp');
      expect(asked, 202);
      assert.deepEqual(askedUnknown.json(), asked.json());
      const mail = await ctx.mailbox.waitFor(other.email, (m) => /^\d{8}$/m.test(m.text));
      assert.ok(!/\d{8}/.test(mail.subject), 'the code is not in the subject');
      const code = /^(\d{8})$/m.exec(mail.text)![1]!;
      const wrongCode = code === '00000000' ? '00000001' : '00000000';
      const laptop = newDevice();
      const badCode = await logIn({ email: other.email, device: laptop, loginCode: wrongCode }, newAddress());
      const noAccount = await logIn({ email: 'nobody-here@example.jp', device: laptop, loginCode: code }, newAddress());
      expect(badCode, 401, 'login_code_invalid');
      assert.deepEqual(shape(noAccount), shape(badCode), 'a code for an email with no account reads like a wrong code');
      expect(await logIn({ email: other.email, password: 'not the password at all', device: laptop, loginCode: code }, newAddress()), 401, 'login_failed');
      const withCode = await session({ email: other.email, device: laptop, loginCode: code }, newAddress());
      expect(await logIn({ email: other.email, device: newDevice(), loginCode: code }, newAddress()), 401, 'login_code_invalid');
      assert.equal(expect(await redeem(other, withCode), 201).stepUp, 'not_required', 'the code verified the device');
      await session({ email: other.email, device: laptop }, newAddress());

      // The challenge cools off 15 minutes after the last try it saw.
      ctx.clock.advance({ minutes: 14 });
      expect(await logIn({ email: other.email }, newAddress()), 403, 'login_challenge_required');
      ctx.clock.advance({ minutes: 16 });
      const after = await session({ email: other.email }, newAddress());
      expect(await redeem(other, after), 422, 'step_up_required');
      assert.equal(await balance(other), 9_900);
    });
  },
  { mailbox: true },
);
