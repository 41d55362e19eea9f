import assert from 'node:assert/strict';
import { it } from 'node:test';
import { adjust, as, call, describeApi, problemCode, uniqueExternalId } from '../support/api.js';
import { givenMemberLogIn, givenOperatorLogIn } from '../support/principals.js';

/**
 * #8: the portal asks the API what a program offers (names, FL-1 sign-up kinds, FL-4 bill credit)
 * instead of knowing it, and a member sees this month's bill credit used and left — their own only.
 */
describeApi('program info for the portal, and bill credit used this month (#8)', (ctx) => {
  it('tells anyone the names, sign-up kinds and bill-credit terms of a program, and nothing of its members', async () => {
    const flets = await call(ctx.app, 'GET', '/v1/programs/flets-club/portal', undefined, as(null));
    assert.equal(flets.statusCode, 200, flets.body);
    assert.deepEqual(flets.json(), {
      key: 'flets-club',
      names: { ja: 'フレッツ光メンバーズクラブ', en: "FLET'S Members Club" },
      signUp: ['access_key', 'easy'],
      currency: 'JPY',
      pointValue: { points: 1, amountMinor: 1 },
      billCredit: { step: 1, monthlyCap: 5000 },
    });
    const sony = (await call(ctx.app, 'GET', '/v1/programs/sony-rewards/portal', undefined, as(null))).json<{ signUp: string[]; billCredit: unknown }>();
    assert.deepEqual([sony.signUp, sony.billCredit], [['registered_email'], null]);
    assert.equal(problemCode(await call(ctx.app, 'GET', '/v1/programs/no-such-program/portal', undefined, as(null))), 'unknown_program');
  });

  it("shows a member this billing month's bill credit used and left, as the cap counts it", async () => {
    const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Kaori Cap', email: `${uniqueExternalId('kaori')}@example.jp` });
    assert.equal((await adjust(ctx.app, member.memberId, 9000, `${member.memberId}-seed`)).statusCode, 201);
    const usage = async () => {
      const answer = await call(ctx.app, 'GET', `/v1/members/${member.memberId}/bill-credit`, undefined, as(member.token));
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json<{ billingMonth: string; step: number; monthlyCap: number; used: number; left: number }>();
    };
    const month = ctx.clock.now().toZonedDateTimeISO('Asia/Tokyo').toPlainDate().toPlainYearMonth().toString();
    assert.deepEqual(await usage(), { billingMonth: month, step: 1, monthlyCap: 5000, used: 0, left: 5000 });
    const redeemed = await call(ctx.app, 'POST', `/v1/members/${member.memberId}/redemptions`, { kind: 'bill_credit', points: 1200 }, { ...as(member.token), 'idempotency-key': `${member.memberId}-bc` });
    assert.equal(redeemed.statusCode, 201, redeemed.body);
    assert.deepEqual(await usage(), { billingMonth: month, step: 1, monthlyCap: 5000, used: 1200, left: 3800 });
    // What it says is left is what the cap allows: one point more is refused.
    const over = await call(ctx.app, 'POST', `/v1/members/${member.memberId}/redemptions`, { kind: 'bill_credit', points: 3801 }, { ...as(member.token), 'idempotency-key': `${member.memberId}-over` });
    assert.equal(problemCode(over), 'over_limit');
  });

  it("answers another member's bill credit as not found, and a program without bill credit as not offered", async () => {
    const a = await givenMemberLogIn(ctx, 'flets-club', { name: 'Aiko Own', email: `${uniqueExternalId('aiko')}@example.jp` });
    const b = await givenMemberLogIn(ctx, 'flets-club', { name: 'Bun Other', email: `${uniqueExternalId('bun')}@example.jp` });
    const peek = await call(ctx.app, 'GET', `/v1/members/${a.memberId}/bill-credit`, undefined, as(b.token));
    assert.equal(problemCode(peek), 'not_found');
    assert.ok(!peek.body.includes(a.name));
    const support = await givenOperatorLogIn(ctx, 'support');
    assert.equal((await call(ctx.app, 'GET', `/v1/members/${a.memberId}/bill-credit`, undefined, as(support.token))).statusCode, 200);
    const sony = await givenMemberLogIn(ctx, 'sony-rewards', { name: 'Sora Sony', email: `${uniqueExternalId('sora')}@example.com` });
    assert.equal(problemCode(await call(ctx.app, 'GET', `/v1/members/${sony.memberId}/bill-credit`, undefined, as(sony.token))), 'redemption_not_offered');
  });
});
