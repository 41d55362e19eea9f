import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createLogger } from '../../src/logger.js';
import { linkToken } from '../support/mailbox.js';
import { as, call, describeApi, enrol } from '../support/api.js';

/**
 * RELIABILITY I3: canary personal data — a name, email, phone, birth date, address and password —
 * goes through sign-up, log-in, the member's pages, the privacy export and a spread of refused
 * requests with the server logging as `pointbook serve` does; none of it may appear in the log or
 * in any error answer.
 */

const canary = {
  name: 'カナリア 花子 Canarybird',
  email: 'canarybird.i3@example.jp',
  phone: '090-7313-1337',
  birthDate: '1987-06-05',
  line1: 'カナリア町7丁目13番',
  password: 'canarybird lantern harbour seventy',
};
const lines: string[] = [];
const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
const anonymous = as(null);

describeApi(
  'no personal data in logs or error answers (I3)',
  (ctx) => {
    const refusals: LightMyRequestResponse[] = [];
    const keep = (response: LightMyRequestResponse) => {
      if (response.statusCode >= 400) refusals.push(response);
      return response;
    };

    it('signs up, logs in and reads the own data with canary details; refused requests carry them too', async () => {
      const customerId = `CAF-I3-${process.pid}`;
      const memberId = await enrol(ctx.app, 'flets-club', {
        externalId: customerId,
        name: canary.name,
        phone: canary.phone,
        birthDate: canary.birthDate,
        postalAddress: { postalCode: '100-0001', region: '東京都', locality: '千代田区', line1: canary.line1 },
      });
      const { accessKey } = (await call(ctx.app, 'POST', `/v1/members/${memberId}/access-keys`)).json<{ accessKey: string }>();
      keep(await call(ctx.app, 'POST', '/v1/auth/signups', { program: 'flets-club', kind: 'access_key', customerId, accessKey: 'WRONG-KEY0-0000-0000', email: canary.email }, anonymous));
      const started = await call(ctx.app, 'POST', '/v1/auth/signups', { program: 'flets-club', kind: 'access_key', customerId, accessKey, email: canary.email }, anonymous);
      assert.equal(started.statusCode, 202, started.body);
      const token = linkToken(await ctx.mailbox.waitFor(canary.email));
      keep(await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: `${canary.name} 1` }, anonymous));
      const confirmed = await call(ctx.app, 'POST', '/v1/auth/signups/confirm', { token, password: canary.password }, anonymous);
      assert.equal(confirmed.statusCode, 201, confirmed.body);

      keep(await call(ctx.app, 'POST', '/v1/auth/sessions', { program: 'flets-club', email: canary.email, password: `${canary.password} wrong` }, anonymous));
      keep(await call(ctx.app, 'POST', '/v1/auth/sessions', { program: 'flets-club', email: `x${canary.email}`, password: canary.password }, anonymous));
      const session = (await call(ctx.app, 'POST', '/v1/auth/sessions', { program: 'flets-club', email: canary.email, password: canary.password }, anonymous)).json<{ token: string }>();
      assert.ok(session.token);
      for (const path of ['/v1/me', `/v1/members/${memberId}`, `/v1/members/${memberId}/personal-data`, `/v1/members/${memberId}/balance`]) {
        const read = await call(ctx.app, 'GET', path, undefined, as(session.token));
        assert.equal(read.statusCode, 200, `${path}: ${read.body}`);
      }

      const other = await enrol(ctx.app, 'flets-club');
      keep(await call(ctx.app, 'GET', `/v1/members/${other}`, undefined, as(session.token)));
      keep(await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId: customerId, email: `${canary.email}@@`, name: canary.name.repeat(40) }));
      keep(await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId: `${customerId}-2`, birthDate: `${canary.birthDate}T99`, phone: canary.phone }));
      keep(await call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email: canary.email, birthDate: canary.birthDate }, anonymous));
      keep(await call(ctx.app, 'POST', `/v1/members/${memberId}/contact-requests`, { kind: 'do_not_solicit', channel: 'web', scope: 'all', verification: { name: `${canary.name}x`, phone: canary.phone, contractNumber: 'nope' } }, as(session.token)));
      keep(await call(ctx.app, 'POST', '/v1/programs/flets-club/events', { events: [{ id: 'i3-1', type: 'no.such.event', member: { externalId: customerId }, occurredAt: 'yesterday', data: { name: canary.name } }] }));
      assert.ok(refusals.length >= 9, `the refused requests were refused (${refusals.map((r) => r.statusCode).join(', ')})`);
    });

    it('leaves none of it in the log', () => {
      const log = lines.join('');
      assert.ok(log.includes('"msg":"refused"') || log.includes('incoming request'), 'the server logged the requests');
      for (const [what, value] of Object.entries(canary)) assert.ok(!log.includes(value), `the log holds the ${what}`);
    });

    it('echoes none of it in an error answer', () => {
      for (const response of refusals) {
        for (const [what, value] of Object.entries(canary)) {
          assert.ok(!response.body.includes(value), `a ${response.statusCode} answer echoes the ${what}: ${response.body}`);
        }
      }
    });
  },
  { mailbox: true, logger },
);
