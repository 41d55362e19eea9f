import assert from 'node:assert/strict';
import { it } from 'node:test';
import { statement } from '../../src/db/index.js';
import { createLogger } from '../../src/logger.js';
import { normaliseEmail, normalisePhone } from '../../src/members/index.js';
import { as, call, describeApi, enrol, problemCode, uniqueExternalId } from '../support/api.js';
import { givenMemberLogIn, givenOperatorLogIn } from '../support/principals.js';

/**
 * #8: support finds the member a caller names — by external id, email or phone, written as the
 * caller writes them (full width, +81, dashes, case) — and nothing else: no partial matches, no
 * other program's members, no more fields than the member page, no personal data in the log.
 */

const lines: string[] = [];
const logger = createLogger('info', { write: (line: string) => void lines.push(line) });

type Found = { items: { id: string; externalId: string; email: string | null; phone: string | null; matchedOn: string[] }[]; nextCursor: string | null };

const keys = statement('test.memberSearch.keys', `select member_email_key($1) as email, member_phone_key($2) as phone`);

describeApi(
  'member search (#8)',
  (ctx) => {
    const search = async (query: string, extra = '', headers: Record<string, string> = {}) =>
      call(ctx.app, 'GET', `/v1/programs/flets-club/members?query=${encodeURIComponent(query)}${extra}`, undefined, headers);
    const found = async (query: string) => {
      const response = await search(query);
      assert.equal(response.statusCode, 200, response.body);
      return response.json<Found>();
    };

    it("the SQL keys of migration 0023 equal src/members/normalise.ts's, for the ways people write them", async () => {
      const cases: [string, string][] = [
        ['Hanako.Yamada@Example.JP', '090-1234-5678'],
        ['  ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ ', '０９０－１２３４－５６７８'],
        ['TARO@EXAMPLE.COM', '+81 90 1234 5678'],
        ['a.b+tag@sub.example.co.jp', '+81-3-1234-5678'],
        ['x@y.z', '(03) 1234 5678'],
        ['ＭｉＸｅＤ＠Ｅｘａｍｐｌｅ．ｃｏｍ', '8190123'],
        ['k@example.jp', '+1 212 555 0100'],
      ];
      for (const [email, phone] of cases) {
        const [row] = await ctx.db.query<{ email: string; phone: string }>(keys, [email, phone]);
        assert.deepEqual(row, { email: normaliseEmail(email), phone: normalisePhone(phone) }, `${email} / ${phone}`);
      }
    });

    it('finds a member by external id, email or phone as written, exactly, and says which matched', async () => {
      const externalId = uniqueExternalId('search');
      const email = `${externalId}@example.jp`;
      const id = await enrol(ctx.app, 'flets-club', { externalId, name: '検索 花子', email: email.toUpperCase(), phone: '+81 90 4321 0000' });
      await enrol(ctx.app, 'flets-club', { name: 'Someone else', email: `other-${email}`, phone: '090-4321-0001' });

      assert.deepEqual((await found(externalId)).items.map((m) => [m.id, m.matchedOn]), [[id, ['externalId']]]);
      const fullWidth = email.replace(/[a-z0-9@.-]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      for (const query of [email, ` ${email} `, fullWidth]) {
        assert.deepEqual((await found(query)).items.map((m) => [m.id, m.matchedOn]), [[id, ['email']]], query);
      }
      for (const query of ['090-4321-0000', '09043210000', '+81 (90) 4321 0000', '０９０ー４３２１ー００００']) {
        assert.deepEqual((await found(query)).items.map((m) => [m.id, m.matchedOn]), [[id, ['phone']]], query);
      }
      // Exact only: parts of an email or a phone, or another kind's key, find no one.
      for (const query of [externalId.slice(0, -1), email.slice(1), 'example.jp', '4321', '090-4321', '検索 花子']) {
        assert.deepEqual((await found(query)).items, [], query);
      }
      // The member page's fields and no more: no birth date, address, attributes.
      const [item] = (await found(externalId)).items;
      assert.deepEqual(Object.keys(item ?? {}).sort(), ['email', 'externalId', 'id', 'joinedAt', 'matchedOn', 'name', 'phone']);
    });

    it("finds only the program's own members, and pages by cursor", async () => {
      const phone = '03-5555-0102';
      const ids = [await enrol(ctx.app, 'flets-club', { phone }), await enrol(ctx.app, 'flets-club', { phone }), await enrol(ctx.app, 'flets-club', { phone })];
      await enrol(ctx.app, 'sony-rewards', { phone });
      const first = await search(phone, '&limit=2');
      const page1 = first.json<Found>();
      assert.deepEqual(page1.items.map((m) => m.id), ids.slice(0, 2));
      assert.ok(page1.nextCursor);
      const page2 = (await search(phone, `&limit=2&cursor=${page1.nextCursor}`)).json<Found>();
      assert.deepEqual(page2.items.map((m) => m.id), ids.slice(2));
      assert.equal(page2.nextCursor, null);
      assert.equal(problemCode(await search(phone, '&cursor=bm90LWFuLWlk')), 'invalid_request');
      assert.equal(problemCode(await call(ctx.app, 'GET', `/v1/programs/no-such/members?query=x`)), 'unknown_program');
      assert.equal((await call(ctx.app, 'GET', `/v1/programs/flets-club/members`)).statusCode, 400, 'a query is required');
    });

    it("is for support and finance: a member cannot search, not even for their own email, nor learn another member's", async () => {
      const a = await givenMemberLogIn(ctx, 'flets-club', { name: 'Aki Search', email: `${uniqueExternalId('aki')}@example.jp` });
      const b = await givenMemberLogIn(ctx, 'flets-club', { name: 'Ben Search', email: `${uniqueExternalId('ben')}@example.jp` });
      for (const query of [a.email, b.email, a.externalId]) {
        const refused = await search(query, '', as(b.token));
        assert.equal(refused.statusCode, 403, refused.body);
        assert.ok(!refused.body.includes(a.memberId) && !refused.body.includes(a.name), refused.body);
      }
      assert.equal((await search(a.email, '', as(null))).statusCode, 401);
      const marketing = await givenOperatorLogIn(ctx, 'marketing');
      assert.equal(problemCode(await search(a.email, '', as(marketing.token))), 'forbidden');
      for (const role of ['support', 'finance'] as const) {
        const operator = await givenOperatorLogIn(ctx, role);
        const answer = await search(a.email, '', as(operator.token));
        assert.deepEqual(answer.json<Found>().items.map((m) => m.id), [a.memberId], role);
      }
    });

    it('keeps the searched email and phone out of the log (I3)', async () => {
      const email = `${uniqueExternalId('logged')}@example.jp`;
      await enrol(ctx.app, 'flets-club', { email, phone: '090-7777-1234' });
      lines.length = 0;
      assert.equal((await found(email)).items.length, 1);
      assert.equal((await found('090-7777-1234')).items.length, 1);
      const log = lines.join('\n');
      assert.match(log, /\/v1\/programs\/flets-club\/members/u, 'the request is logged');
      assert.ok(!log.includes(email) && !log.includes(encodeURIComponent(email)) && !log.includes('7777'), log);
    });
  },
  { logger },
);
