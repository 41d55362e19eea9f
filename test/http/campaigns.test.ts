import assert from 'node:assert/strict';
import { it } from 'node:test';
import { as, call, describeApi, problemCode, type ApiContext } from '../support/api.js';
import { contractEvent as event, givenLine, nextSerial, talkServices } from '../support/campaign-lines.js';
import { givenMemberLogIn } from '../support/principals.js';

/** GG end to end through the API: eligibility with reasons, applications, benefits, lifecycle, export rows. */
const GG = '/v1/campaigns/giga-gakuwari';

const apply = (ctx: ApiContext, body: Record<string, unknown>, headers: Record<string, string> = {}) => call(ctx.app, 'POST', `${GG}/applications`, body, headers);

describeApi(
  'campaigns: GG through the API',
  (ctx) => {
    it('lists the campaigns of a program with their information (GG-12)', async () => {
      const response = await call(ctx.app, 'GET', '/v1/programs/softbank/campaigns');
      assert.equal(response.statusCode, 200, response.body);
      const [gg] = response.json<{ items: { id: string; information: { id: string }[]; period: { from: string } }[] }>().items;
      assert.equal(gg?.id, 'giga-gakuwari');
      assert.equal(gg?.period.from, '2016-01-15');
      assert.ok(gg?.information.some((i) => i.id === 'early-termination-fee'));
    });

    it('GG-1, GG-3: a U25 new line may choose the discount (1,620 yen × 24) or data (6 GB × 36); applying starts the month after the contract (GG-4)', async () => {
      const { member, line } = await givenLine(ctx);
      const answer = await call(ctx.app, 'POST', `${GG}/eligibility`, { member, line, role: 'u25' });
      assert.equal(answer.statusCode, 200, answer.body);
      const body = answer.json<{ eligible: boolean; options: { option: string; amount: number; months: number }[] }>();
      assert.equal(body.eligible, true);
      assert.deepEqual(body.options.map((o) => [o.option, o.amount, o.months]), [['discount', 1620, 24], ['data', 6, 36]]);
      const applied = await apply(ctx, { member, line, role: 'u25', option: 'discount' });
      assert.equal(applied.statusCode, 201, applied.body);
      assert.deepEqual(
        (({ status, option, firstBillingMonth, lastBillingMonth }) => ({ status, option, firstBillingMonth, lastBillingMonth }))(applied.json()),
        { status: 'active', option: 'discount', firstBillingMonth: '2016-04', lastBillingMonth: '2018-03' },
      );
      const april = await call(ctx.app, 'GET', `/v1/members/${member}/benefits?billingMonth=2016-04`);
      assert.deepEqual(april.json(), [{ campaign: 'giga-gakuwari', application: applied.json<{ id: string }>().id, line, kind: 'discount', amount: 1620, unit: 'JPY', monthIndex: 1 }]);
      const march = await call(ctx.app, 'GET', `/v1/members/${member}/benefits?billingMonth=2016-03`);
      assert.deepEqual(march.json(), []);
    });

    it('GG-3: an upgrade choosing the discount is refused with the rule, in ja and en, and nothing is written', async () => {
      const { member, line } = await givenLine(ctx, { origin: 'upgrade' });
      const refused = await apply(ctx, { member, line, role: 'u25', option: 'discount' });
      assert.equal(refused.statusCode, 422, refused.body);
      assert.equal(problemCode(refused), 'not_eligible');
      const reasons = refused.json<{ reasons: { rule: string; message: { ja: string; en: string } }[] }>().reasons;
      assert.equal(reasons[0]?.rule, 'benefits');
      assert.ok(reasons[0]?.message.ja && reasons[0].message.en);
      const data = await apply(ctx, { member, line, role: 'u25', option: 'data' });
      assert.equal(data.statusCode, 201, data.body);
    });

    it('GG-1: a 26-year-old is not eligible; the reason names age-25-or-under', async () => {
      const { member, line } = await givenLine(ctx, { birthDate: '1990-02-29'.replace('29', '28') });
      const answer = await call(ctx.app, 'POST', `${GG}/eligibility`, { member, line, role: 'u25' });
      const body = answer.json<{ eligible: boolean; reasons: { rule: string }[] }>();
      assert.equal(body.eligible, false);
      assert.deepEqual(body.reasons.map((r) => r.rule), ['age-25-or-under']);
    });

    it('GG-8, GG-9: a family discount ends with the U25 (discount to the month before, data through the month)', async () => {
      const group = `FG-${nextSerial()}`;
      const u25 = await givenLine(ctx, { familyGroup: group });
      const mother = await givenLine(ctx, { familyGroup: group, birthDate: '1970-01-01', origin: 'mnp' });
      assert.equal((await apply(ctx, { member: u25.member, line: u25.line, role: 'u25', option: 'data' })).statusCode, 201);
      const fam = await apply(ctx, { member: mother.member, line: mother.line, role: 'family', option: 'discount' });
      assert.equal(fam.statusCode, 201, fam.body);
      assert.equal(fam.json<{ lastBillingMonth: string }>().lastBillingMonth, '2018-03');
      await event(ctx, u25.externalId, 'contract.changed', { contractId: u25.line, services: ['two-year-contract', 'data-pack-standard-5'] }, '2016-10-10T10:00:00+09:00');
      const id = fam.json<{ id: string }>().id;
      const view = await call(ctx.app, 'GET', `${GG}/applications/${id}`);
      const detail = view.json<{ status: string; lastBillingMonth: string; statusHistory: { status: string; reasons: { rule: string }[] }[] }>();
      assert.equal(detail.status, 'terminated');
      assert.equal(detail.lastBillingMonth, '2016-09');
      assert.deepEqual(detail.statusHistory.map((s) => s.status), ['active', 'terminated']);
      assert.equal(detail.statusHistory[1]?.reasons[0]?.rule, 'depends-on-u25');
    });

    it('members apply for themselves only; another member is 404 and the refusal detail is in their language', async () => {
      const serial = nextSerial();
      const owner = await givenMemberLogIn(ctx, 'softbank', { name: 'Gaku Gakuwari', email: `gaku-${serial}@example.jp` });
      const other = await givenMemberLogIn(ctx, 'softbank', { name: 'Other Person', email: `other-${serial}@example.jp` });
      await event(ctx, owner.externalId, 'contract.started', { contractId: 'OWN-1', type: 'mobile', plan: 'talk-unlimited', services: talkServices, user: { personId: `PO-${serial}`, birthDate: '1960-01-01' }, device: { purchased: true, network: 'LTE' }, origin: 'new' }, '2016-03-01T10:00:00+09:00');
      const byOther = await apply(ctx, { member: owner.memberId, line: 'OWN-1', role: 'u25', option: 'data' }, as(other.token));
      assert.equal(byOther.statusCode, 404);
      assert.equal(problemCode(byOther), 'not_found');
      const byOwner = await apply(ctx, { member: owner.memberId, line: 'OWN-1', role: 'u25', option: 'data' }, as(owner.token));
      assert.equal(byOwner.statusCode, 422);
      assert.match(byOwner.json<{ detail: string }>().detail, /25 歳以下/);
    });

    it('GET /v1/members/{id}/contracts shows each line as contract events describe it, to the member only of their own', async () => {
      const n = nextSerial();
      const owner = await givenMemberLogIn(ctx, 'softbank', { name: 'Line Owner', email: `line-owner-${n}@example.jp` });
      const other = await givenMemberLogIn(ctx, 'softbank', { name: 'Line Other', email: `line-other-${n}@example.jp` });
      await event(ctx, owner.externalId, 'contract.started', {
        contractId: `KID-${n}`, type: 'mobile', plan: 'talk-unlimited', services: talkServices, familyGroup: `FG-${n}`,
        user: { personId: `P-KID-${n}`, birthDate: '2005-05-05' }, holder: { personId: `P-PARENT-${n}` },
        device: { purchased: true, network: 'LTE' }, origin: 'mnp', sharedDataRole: 'child', discounts: ['heart-friend'],
      }, '2016-03-01T10:00:00+09:00');
      await event(ctx, owner.externalId, 'contract.started', { contractId: `BARE-${n}`, type: 'mobile' }, '2016-03-02T10:00:00+09:00');
      await event(ctx, owner.externalId, 'contract.changed', { contractId: `KID-${n}`, corporate: false, device: { purchased: false } }, '2016-03-03T10:00:00+09:00');

      const path = `/v1/members/${owner.memberId}/contracts`;
      const byOperator = await call(ctx.app, 'GET', path);
      assert.equal(byOperator.statusCode, 200, byOperator.body);
      const [kid, bare] = byOperator.json<Record<string, unknown>[]>();
      const lineOf = (c: Record<string, unknown> | undefined) =>
        c && (({ id, familyGroup, user, holder, device, origin, originAt, corporate, sharedDataRole, discounts }) => ({ id, familyGroup, user, holder, device, origin, originAt, corporate, sharedDataRole, discounts }))(c);
      assert.deepEqual(lineOf(kid), {
        id: `KID-${n}`,
        familyGroup: `FG-${n}`,
        user: { personId: `P-KID-${n}`, birthDate: '2005-05-05' },
        holder: { personId: `P-PARENT-${n}`, birthDate: null },
        device: { purchased: false, network: null },
        origin: 'mnp',
        originAt: '2016-03-01T01:00:00Z',
        corporate: false,
        sharedDataRole: 'child',
        discounts: ['heart-friend'],
      });
      assert.deepEqual(lineOf(bare), { id: `BARE-${n}`, familyGroup: null, user: null, holder: null, device: null, origin: null, originAt: null, corporate: null, sharedDataRole: null, discounts: null });
      assert.ok(!('line' in (kid ?? {})), 'the stored document is not shown as it is, only the fields the schema names');

      const byOwner = await call(ctx.app, 'GET', path, undefined, as(owner.token));
      assert.equal(byOwner.statusCode, 200);
      assert.deepEqual(byOwner.json(), byOperator.json());
      const byOther = await call(ctx.app, 'GET', path, undefined, as(other.token));
      assert.equal(byOther.statusCode, 404);
      assert.equal(problemCode(byOther), 'not_found');
      assert.doesNotMatch(byOther.body, /P-KID|2005-05-05/);
    });

    it('bad input changes nothing: unknown campaign 404, unknown line 422, unknown role 400', async () => {
      const { member, line } = await givenLine(ctx);
      assert.equal(problemCode(await call(ctx.app, 'POST', '/v1/campaigns/nope/eligibility', { member, line })), 'unknown_campaign');
      assert.equal(problemCode(await apply(ctx, { member, line: 'NO-LINE', role: 'u25', option: 'data' })), 'unknown_line');
      assert.equal(problemCode(await apply(ctx, { member, line, role: 'boss', option: 'data' })), 'invalid_request');
    });
  },
  { start: '2016-03-01T12:00:00+09:00' },
);
