import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { exportSuppressions, sendMarketingEmail } from '../../src/consent/index.js';
import { statement } from '../../src/db/index.js';
import { createRegistry, loadPrograms } from '../../src/programs/index.js';
import { call, describeApi, enrol, problemCode, uniqueExternalId, type ApiContext } from '../support/api.js';
import { anotherSession } from '../support/principals.js';

const sonet = createRegistry(loadPrograms('examples/programs')).get('sonet')!;

function status(response: LightMyRequestResponse, expected: number, code?: string) {
  assert.equal(response.statusCode, expected, response.body);
  if (code) assert.equal(problemCode(response), code);
  return response.json();
}

/** A So-net member with a contract, and the verification that matches them. */
async function customer(ctx: ApiContext) {
  const externalId = uniqueExternalId('SN');
  const id = await enrol(ctx.app, 'sonet', { externalId, name: '鈴木 一郎', phone: '090-5555-0101', email: `${externalId}@example.jp` });
  const contract = { id: `c-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-01-05T10:00:00+09:00', data: { contractId: `SN-${externalId}`, type: 'sonet-hikari' } };
  status(await call(ctx.app, 'POST', '/v1/programs/sonet/events', { events: [contract] }), 200);
  return { id, externalId, verification: { name: '鈴木一郎', phone: '09055550101', contractNumber: `SN-${externalId}` } };
}

const request = (ctx: ApiContext, memberId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(ctx.app, 'POST', `/v1/members/${memberId}/contact-requests`, body, headers);

async function permission(ctx: ApiContext, memberId: string, cell: { channel: string; purpose: string; scope: string }, at?: string) {
  const query = at ? `?at=${encodeURIComponent(at)}` : '';
  const { items } = status(await call(ctx.app, 'GET', `/v1/members/${memberId}/contact-permissions${query}`), 200);
  return items.find((p: typeof cell) => p.channel === cell.channel && p.purpose === cell.purpose && p.scope === cell.scope);
}

const jst = (text: string) => `${text}+09:00`;
const outboxRow = statement('test.consent.outboxRow', `select status, body, suppressed_by from outbox_messages where id = $1`);
const webhookBody = statement('test.consent.webhookBody', `select body from outbox_messages where webhook_id = $1 order by id desc limit 1`);

describeApi(
  'consent (DN)',
  (ctx) => {
    it('DN-1, DN-3: a member files on the web form; it takes effect 5 business days later; members cannot claim a phone request', async () => {
      const member = await customer(ctx);
      const asMember = { authorization: `Bearer ${await anotherSession(ctx, { kind: 'member', id: member.id })}` };
      const body = { kind: 'do_not_solicit', channel: 'web', scope: 'company', verification: member.verification };
      status(await request(ctx, member.id, { ...body, channel: 'phone', takenBy: 'me' }, asMember), 400, 'invalid_request');
      const created = status(await request(ctx, member.id, body, asMember), 201);
      // Wednesday 2026-04-01 + 5 business days = Wednesday 2026-04-08 00:00 JST.
      assert.equal(Temporal.Instant.from(created.effectiveAt).toString(), Temporal.Instant.from(jst('2026-04-08T00:00:00')).toString());
      assert.equal(created.status, 'verified');
      assert.equal(created.takenBy, null);
      const listed = status(await call(ctx.app, 'GET', `/v1/members/${member.id}/contact-requests`, undefined, asMember), 200);
      assert.deepEqual(listed.items.map((r: { id: string }) => r.id), [created.id]);
      assert.equal((await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'company' }, jst('2026-04-07T23:59:59'))).allowed, true);
      assert.equal((await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'company' }, jst('2026-04-08T00:00:00'))).allowed, false);
    });

    it('DN-4: an affiliate-only opt-out leaves company marketing allowed; "all" stops email and post marketing of every scope; DN-5 never stops transactional', async () => {
      const member = await customer(ctx);
      const after = jst('2027-01-01T00:00:00');
      status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'affiliates', takenBy: 'staff A', verification: member.verification }), 201);
      assert.equal((await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'company' }, after)).allowed, true);
      assert.equal((await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'sony-group' }, after)).allowed, false);
      assert.equal((await permission(ctx, member.id, { channel: 'email', purpose: 'marketing', scope: 'sony-group' }, after)).allowed, true, 'a plain request stops calls only');

      status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'email', scope: 'all', takenBy: 'staff B', verification: member.verification }), 201);
      for (const scope of ['company', 'sony-group', 'partners']) {
        for (const channel of ['phone', 'email', 'post', 'sms']) {
          assert.equal((await permission(ctx, member.id, { channel, purpose: 'marketing', scope }, after)).allowed, false, `${channel} ${scope}`);
          assert.equal((await permission(ctx, member.id, { channel, purpose: 'transactional', scope }, after)).allowed, true, `transactional ${channel} ${scope}`);
        }
      }
    });

    it('DN-3: affiliates apply a stop later than the company (outside callers)', async () => {
      const member = await customer(ctx);
      const created = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'all', takenBy: 'staff', verification: member.verification }), 201);
      // Phone: 2 business days for the company (Fri 2026-04-03 00:00), then 10 more for affiliates (Fri 2026-04-17).
      const company = await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'company' }, jst('2026-04-03T00:00:00'));
      const affiliate = await permission(ctx, member.id, { channel: 'phone', purpose: 'marketing', scope: 'partners' }, jst('2026-04-16T23:59:59'));
      assert.equal(company.allowed, false);
      assert.equal(affiliate.allowed, true);
      assert.equal(Temporal.Instant.from(created.effectiveAt).toString(), Temporal.Instant.from(jst('2026-04-17T00:00:00')).toString());
    });

    it('DN-7: opting back in is a request of its own; the latest request in force decides', async () => {
      const member = await customer(ctx);
      const cell = { channel: 'phone', purpose: 'marketing', scope: 'company' };
      const stop = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'staff', verification: member.verification }), 201);
      ctx.clock.advance({ hours: 24 * 10 });
      const back = status(await request(ctx, member.id, { kind: 'opt_in', channel: 'phone', scope: 'company', takenBy: 'staff', verification: member.verification }), 201);
      const during = await permission(ctx, member.id, cell, Temporal.Instant.from(back.effectiveAt).subtract({ seconds: 1 }).toString());
      const afterwards = await permission(ctx, member.id, cell, back.effectiveAt);
      assert.deepEqual([during.allowed, during.decidedBy], [false, stop.id]);
      assert.deepEqual([afterwards.allowed, afterwards.decidedBy], [true, back.id]);
    });

    it('DN-6: a contact after an effective opt-out is reported, escalated and resolved; one before it is no breach', async () => {
      const member = await customer(ctx);
      const stop = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'staff', verification: member.verification }), 201);
      const report = (contactedAt: string) =>
        call(ctx.app, 'POST', `/v1/members/${member.id}/contact-reports`, { channel: 'phone', scope: 'company', contactedAt, description: '光回線の乗り換え勧誘の電話' });
      status(await report(Temporal.Instant.from(stop.effectiveAt).subtract({ minutes: 1 }).toString()), 422, 'not_opted_out');
      const filed = status(await report(Temporal.Instant.from(stop.effectiveAt).add({ hours: 30 }).toString()), 201);
      assert.equal(filed.requestId, stop.id);
      const open = status(await call(ctx.app, 'GET', '/v1/programs/sonet/contact-reports?limit=200'), 200);
      assert.ok(open.items.some((r: { id: string }) => r.id === filed.id));
      const resolved = status(await call(ctx.app, 'POST', `/v1/members/${member.id}/contact-reports/${filed.id}/resolve`), 200);
      assert.equal(resolved.resolvedBy, 'operator:admin-token');
      const after = status(await call(ctx.app, 'GET', '/v1/programs/sonet/contact-reports?limit=200'), 200);
      assert.ok(!after.items.some((r: { id: string }) => r.id === filed.id));
    });

    it('suppression export: the changes of a scope since the last export, each once', async () => {
      const member = await customer(ctx);
      const created = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'all', takenBy: 'staff', verification: member.verification }), 201);
      const effective = Temporal.Instant.from(created.effectiveAt);
      const first = await exportSuppressions(ctx.db, sonet, { scope: 'partners', now: effective.add({ hours: 1 }) });
      const line = first.csv.split('\r\n').find((l) => l.startsWith(`${member.externalId},090-5555-0101,phone,`));
      assert.equal(line, `${member.externalId},090-5555-0101,phone,partners,suppress,${effective.toString()},${created.id}`);
      const second = await exportSuppressions(ctx.db, sonet, { scope: 'partners', now: effective.add({ hours: 2 }) });
      assert.ok(!second.csv.includes(member.externalId), 'already exported');
      const company = await exportSuppressions(ctx.db, sonet, { scope: 'company', since: Temporal.Instant.from('2026-01-01T00:00:00Z'), now: effective.add({ hours: 1 }) });
      assert.ok(company.csv.startsWith('customer_id,phone,channel,scope,action,effective_at,request_id\r\n'));
      assert.equal(company.csv.split('\r\n').filter((l) => l.startsWith(member.externalId)).length, 4, 'phone, email, post and sms');
    });

    it('the outbox: marketing email is suppressed by an effective "all" and recorded; transactional still goes (DN-4, DN-5)', async () => {
      const member = await customer(ctx);
      const email = `${member.externalId}@example.jp`;
      const offer = (headline: string) => ({
        memberId: member.id,
        to: email,
        scope: 'company',
        template: 'offer' as const,
        locale: 'ja' as const,
        vars: { headline, text: '光回線の乗り換えで1,000ポイント', programName: 'So-net' },
      });
      const before = await ctx.db.transaction((tx) => sendMarketingEmail(tx, sonet, offer('キャンペーンのご案内'), { now: ctx.clock.now(), actor: 'test' }));
      assert.equal(before.suppressedBy, null);
      ctx.deliverEmail();
      await ctx.mailbox.waitFor(email, (mail) => mail.subject.includes('キャンペーンのご案内'));

      const stop = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'all', takenBy: 'staff', verification: member.verification }), 201);
      await ctx.mailbox.waitFor(email, (mail) => mail.subject.includes('勧誘停止'));
      const at = Temporal.Instant.from(stop.effectiveAt);
      const after = await ctx.db.transaction((tx) => sendMarketingEmail(tx, sonet, offer('新しいご案内'), { now: at, actor: 'test' }));
      assert.equal(after.suppressedBy, stop.id);
      const [row] = await ctx.db.query<{ status: string; body: string | null; suppressed_by: string }>(outboxRow, [after.id]);
      assert.deepEqual(row, { status: 'suppressed', body: null, suppressed_by: stop.id });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(!ctx.mailbox.received.some((mail) => mail.subject.includes('新しいご案内')), 'the suppressed offer never reaches SMTP');
    });

    it('publishes contact_permission.changed to the program\'s webhooks, with ids only', async () => {
      const hook = status(await call(ctx.app, 'POST', '/v1/programs/sonet/webhooks', { url: 'http://127.0.0.1:9/consent', events: ['contact_permission.changed'] }), 201);
      const member = await customer(ctx);
      const created = status(await request(ctx, member.id, { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'staff', verification: member.verification }), 201);
      const [delivery] = await ctx.db.query<{ body: string }>(webhookBody, [hook.id]);
      const payload = JSON.parse(delivery!.body);
      assert.equal(payload.type, 'contact_permission.changed');
      assert.deepEqual(payload.data, {
        memberId: member.id,
        requestId: created.id,
        kind: 'do_not_solicit',
        allowed: false,
        changes: [{ channel: 'phone', purpose: 'marketing', scope: 'company', effectiveAt: created.effectiveAt }],
      });
      assert.doesNotMatch(delivery!.body, /鈴木|090-5555/);
      status(await call(ctx.app, 'POST', `/v1/programs/sonet/webhooks/${hook.id}/disable`), 200);
    });

    it('refuses programs without consent, and replays a request by its Idempotency-Key', async () => {
      const flets = await enrol(ctx.app, 'flets-club');
      const body = { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: 'x', verification: { name: 'a', phone: '1', contractNumber: 'c' } };
      status(await request(ctx, flets, body), 422, 'consent_not_configured');
      const member = await customer(ctx);
      const once = { ...body, verification: member.verification };
      const first = status(await request(ctx, member.id, once, { 'idempotency-key': `k-${member.id}` }), 201);
      const again = status(await request(ctx, member.id, once, { 'idempotency-key': `k-${member.id}` }), 201);
      assert.deepEqual(again, first);
      const { items } = status(await call(ctx.app, 'GET', `/v1/members/${member.id}/contact-requests`), 200);
      assert.equal(items.length, 1);
    });
  },
  { start: '2026-04-01T10:00:00+09:00', mailbox: true },
);
