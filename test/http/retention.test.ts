import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { sendMarketingEmail } from '../../src/consent/index.js';
import { statement, type Statement } from '../../src/db/index.js';
import { runRetention } from '../../src/jobs/retention.js';
import { createRegistry, loadPrograms } from '../../src/programs/index.js';
import { createWebhookDeliverer } from '../../src/webhooks/index.js';
import { adjust, as, call, describeApi, enrol, uniqueExternalId } from '../support/api.js';
import { anotherSession, givenMemberLogIn } from '../support/principals.js';
import { startReceiver, until } from '../support/receiver.js';

const sonet = createRegistry(loadPrograms('examples/programs')).get('sonet')!;
const quiet = { info: () => {}, error: () => {} };

const message = statement('test.retention.message', `select template, status, body, sent_at from outbox_messages where id = $1`);
const messagesOf = statement('test.retention.messagesOf', `select id, template, status from outbox_messages where member_id = $1 and channel = 'email' order by id`);
const deliveriesOf = statement('test.retention.deliveriesOf', `select id, status, attempts from outbox_messages where webhook_id = $1 order by id`);
const sessionsOf = statement('test.retention.sessionsOf', `select count(*)::int as n from sessions where subject_id = $1`);
const linksOf = statement('test.retention.linksOf', `select count(*)::int as n from email_tokens where subject_id = $1`);
const stepUpKeysOf = statement('test.retention.stepUpKeysOf', `
  select id, key_hash is not null as hashed, used_at is not null as used, redemption_id is not null as redeemed
  from redemption_step_up_keys where member_id = $1 order by id`);

const day = (n: number) => Temporal.Instant.from('2026-04-01T09:00:00+09:00').add({ hours: 24 * n });

/**
 * Decision 46: the daily retention job deletes, once their time has passed, finished outbox rows
 * and ended credentials — and keeps what evidence needs (DN-6 confirmations, unsettled webhook
 * failures, the record of a used step-up key). Defaults: 30 days for webhooks and credentials,
 * 90 for email. Each kind is made through the API (or the domain that owns it) on the test clock.
 */
describeApi(
  'retention (decision 46)',
  (ctx) => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const world = {
      customer: '',
      confirmationId: '',
      offerId: '',
      suppressedId: '',
      member: '',
      memberMessages: 0,
      settledByReplay: '',
      unsettled: '',
      disabledHook: '',
      hooks: { ok: '', down: '', gone: '' },
    };
    const subscribe = async (path: string) => {
      const response = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url: `${receiver.url}${path}`, events: ['points.credited'] });
      assert.equal(response.statusCode, 201, response.body);
      return response.json<{ id: string }>().id;
    };
    const rows = async <Row>(s: Statement, id: string) => ctx.db.query<Row>(s, [id]);
    const count = async (s: Statement, id: string) => (await ctx.db.query<{ n: number }>(s, [id]))[0]?.n;
    /** Every delivery of the webhook has been attempted and its outcome recorded. */
    const attempted = (webhookId: string) => async () =>
      (await rows<{ attempts: number }>(deliveriesOf, webhookId)).every((d) => d.attempts > 0);

    before(async () => {
      receiver = await startReceiver();
    });
    after(() => receiver.close());

    it('day 0: sends email, opens sessions and links, uses a step-up key, and delivers or fails webhooks', async () => {
      // DN-6: a do-not-solicit request and its confirmation; marketing before it goes, after it is suppressed.
      const externalId = uniqueExternalId('SN');
      const email = `${externalId}@example.jp`;
      world.customer = await enrol(ctx.app, 'sonet', { externalId, name: '鈴木 一郎', phone: '090-5555-0101', email });
      const contract = { id: `c-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-01-05T10:00:00+09:00', data: { contractId: `SN-${externalId}`, type: 'sonet-hikari' } };
      assert.equal((await call(ctx.app, 'POST', '/v1/programs/sonet/events', { events: [contract] })).statusCode, 200);
      const offer = (headline: string) => ({
        memberId: world.customer, to: email, scope: 'company', template: 'offer' as const, locale: 'ja' as const,
        vars: { headline, text: '光回線の乗り換えで1,000ポイント', programName: 'So-net' },
      });
      world.offerId = (await ctx.db.transaction((tx) => sendMarketingEmail(tx, sonet, offer('ご案内'), { now: ctx.clock.now(), actor: 'test' }))).id;
      const verification = { name: '鈴木一郎', phone: '09055550101', contractNumber: `SN-${externalId}` };
      const stop = await call(ctx.app, 'POST', `/v1/members/${world.customer}/contact-requests`, { kind: 'do_not_solicit', channel: 'phone', scope: 'all', takenBy: 'staff', verification });
      assert.equal(stop.statusCode, 201, stop.body);
      world.confirmationId = stop.json<{ confirmationId: string }>().confirmationId;
      assert.match(world.confirmationId, /^msg_/);
      await ctx.mailbox.waitFor(email, (mail) => mail.subject.includes('勧誘停止'));
      await ctx.mailbox.waitFor(email, (mail) => mail.subject.includes('ご案内'));
      const suppressed = await ctx.db.transaction((tx) => sendMarketingEmail(tx, sonet, offer('また'), { now: day(19), actor: 'test' }));
      assert.notEqual(suppressed.suppressedBy, null);
      world.suppressedId = suppressed.id;

      // A member: two sessions (one logged out), a reset link, a step-up key replaced by a second one that is used.
      const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Retention Taro', email: `retention-${process.pid}@example.jp` });
      world.member = member.memberId;
      assert.equal((await call(ctx.app, 'DELETE', '/v1/auth/sessions/current', undefined, as(await anotherSession(ctx, { kind: 'member', id: member.memberId })))).statusCode, 204);
      assert.equal((await call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email: member.email }, as(null))).statusCode, 202);
      assert.equal((await adjust(ctx.app, member.memberId, 10_000, `${member.memberId}-seed`)).statusCode, 201);
      const key = async () => (await call(ctx.app, 'POST', `/v1/members/${member.memberId}/step-up-keys`)).json<{ key: string }>().key;
      await key();
      const redeemed = await call(ctx.app, 'POST', `/v1/members/${member.memberId}/redemptions`, { kind: 'catalog', rewardId: 'security-software-1y', stepUpKey: await key() }, { 'idempotency-key': `${member.memberId}-redeem` });
      assert.equal(redeemed.statusCode, 201, redeemed.body);
      await until(async () => (await rows<{ status: string }>(messagesOf, member.memberId)).every((m) => m.status === 'sent'), 'the member’s email is sent');
      world.memberMessages = (await rows(messagesOf, member.memberId)).length;
      assert.ok(world.memberMessages >= 3, 'a reset link and two step-up keys');

      // Webhooks: one delivered; one failed and then delivered by a replay; one failed for a webhook
      // disabled since; one failed and left alone.
      world.hooks = { ok: await subscribe('/ok'), down: await subscribe('/down'), gone: await subscribe('/gone') };
      receiver.otherwise.set('/down', 503);
      receiver.otherwise.set('/gone', 503);
      const giveUp = createWebhookDeliverer({ db: ctx.db, clock: ctx.clock, log: quiet, maxAttempts: 1 });
      for (const n of [1, 2]) {
        assert.equal((await adjust(ctx.app, member.memberId, n, `${member.memberId}-hook-${n}`)).statusCode, 201);
        await until(() => receiver.at('/down').length === n && receiver.at('/gone').length === n, 'the first attempts');
        await until(async () => (await attempted(world.hooks.down)()) && (await attempted(world.hooks.gone)()), 'the first attempts are recorded');
        ctx.clock.advance({ minutes: 5 });
        await giveUp.deliverPending();
      }
      await giveUp.stop();
      const [failedFirst, failedSecond] = await rows<{ id: string; status: string }>(deliveriesOf, world.hooks.down);
      assert.deepEqual([failedFirst?.status, failedSecond?.status], ['failed', 'failed']);
      world.settledByReplay = failedFirst?.id ?? '';
      world.unsettled = failedSecond?.id ?? '';
      receiver.otherwise.delete('/down');
      const replay = await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${world.hooks.down}/deliveries/${world.settledByReplay}/replay`);
      assert.equal(replay.statusCode, 202, replay.body);
      await until(async () => (await rows<{ status: string }>(deliveriesOf, world.hooks.down)).some((d) => d.status === 'sent'), 'the replay is delivered');
      assert.equal((await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${world.hooks.gone}/disable`)).statusCode, 200);
      await until(async () => (await rows<{ status: string }>(deliveriesOf, world.hooks.ok)).every((d) => d.status === 'sent'), 'delivered');
    });

    it('day 29: deletes nothing yet (run through the jobs API)', async () => {
      ctx.clock.set(day(29));
      const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/retention/runs', {});
      assert.equal(run.statusCode, 200, run.body);
      const { status, counts } = run.json<{ status: string; counts: Record<string, number> }>();
      assert.equal(status, 'done');
      assert.ok(Object.values(counts).every((n) => n === 0), run.body);
      assert.equal(await count(sessionsOf, world.member), 2);
      assert.equal(await count(linksOf, world.member), 1);
      assert.equal((await rows(deliveriesOf, world.hooks.ok)).length, 2);
    });

    it('day 31: deletes delivered and settled webhook deliveries and ended credentials, in chunks; keeps the rest', async () => {
      const asOf = day(31);
      ctx.clock.set(asOf);
      const outcome = await runRetention(ctx.db, asOf, { now: asOf, actor: 'test' }, 1);
      assert.equal(outcome.status, 'done');
      assert.deepEqual(outcome.counts, {
        webhook_failures: 3, // the replayed one, and the disabled webhook's two
        webhooks_delivered: 3, // two to /ok, and the replay
        emails_sent: 0,
        emails_suppressed: 0,
        sessions: 2,
        links: 1,
        step_up_keys: 1,
        step_up_key_hashes: 1,
      });
      assert.deepEqual(await rows(deliveriesOf, world.hooks.ok), []);
      assert.deepEqual(await rows(deliveriesOf, world.hooks.gone), []);
      assert.deepEqual(
        (await rows<{ id: string; status: string }>(deliveriesOf, world.hooks.down)).map((d) => [d.id, d.status]),
        [[world.unsettled, 'failed']],
        'a failure nobody replayed stays, payload and all, for an operator to replay',
      );
      assert.equal(await count(sessionsOf, world.member), 0);
      assert.equal(await count(linksOf, world.member), 0);
      assert.deepEqual(
        (await rows<Record<string, unknown>>(stepUpKeysOf, world.member)).map(({ id: _id, ...key }) => key),
        [{ hashed: false, used: true, redeemed: true }],
        'the used key stays as the record of the step-up, without its hash',
      );
      assert.equal((await rows(messagesOf, world.member)).length, world.memberMessages, 'email waits for its own 90 days');
      const again = await runRetention(ctx.db, asOf, { now: asOf, actor: 'test' });
      assert.equal(again.status, 'already_done');
    });

    it('day 120, by the schedule: deletes sent and suppressed email, but keeps the DN-6 confirmation and what is still pending', async () => {
      const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: day(120).toString() });
      assert.equal(moved.statusCode, 200, moved.body);
      const runs = moved.json<{ jobs: { job: string; period: string; status: string; counts: Record<string, number> }[] }>().jobs.filter((j) => j.job === 'retention');
      assert.ok(runs.length >= 1 && runs.every((r) => r.status === 'done' || r.status === 'already_done'), moved.body);
      const total = (name: string) => runs.filter((r) => r.status === 'done').reduce((sum, r) => sum + (r.counts[name] ?? 0), 0);
      assert.ok(total('emails_sent') >= 1 + world.memberMessages, moved.body);
      assert.equal(total('emails_suppressed'), 1, moved.body);

      assert.deepEqual(await rows(message, world.offerId), []);
      assert.deepEqual(await rows(message, world.suppressedId), []);
      const [confirmation] = await rows<{ template: string; status: string; body: string | null; sent_at: unknown }>(message, world.confirmationId);
      assert.deepEqual({ ...confirmation, sent_at: undefined }, { template: 'contact_request_confirmation', status: 'sent', body: null, sent_at: undefined });
      const requests = await call(ctx.app, 'GET', `/v1/members/${world.customer}/contact-requests`);
      assert.deepEqual(requests.json<{ items: { confirmationId: string }[] }>().items.map((r) => r.confirmationId), [world.confirmationId]);
      const exported = await call(ctx.app, 'GET', `/v1/members/${world.customer}/personal-data`);
      assert.equal(exported.statusCode, 200, exported.body);
      const exportedIds = exported.json<{ sections: { messages: { id: string }[] } }>().sections.messages.map((m) => m.id);
      assert.ok(exportedIds.includes(world.confirmationId), 'the export shows what is kept');
      assert.ok(!exportedIds.includes(world.offerId) && !exportedIds.includes(world.suppressedId), 'and not what went');
      const left = (await rows<{ template: string }>(messagesOf, world.member)).map((m) => m.template);
      assert.ok(!left.includes('password_reset') && !left.includes('step_up_key'), left.join());
      assert.deepEqual((await rows<{ id: string }>(deliveriesOf, world.hooks.down)).map((d) => d.id), [world.unsettled]);
    });
  },
  { mailbox: true, start: '2026-04-01T09:00:00+09:00' },
);

describeApi(
  'retention as the deployment configures it (POINTBOOK_RETENTION_*)',
  (ctx) => {
    it('deletes after the configured days, from the jobs API and the schedule alike', async () => {
      const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Short Retention', email: `short-${process.pid}@example.jp` });
      assert.equal((await call(ctx.app, 'POST', '/v1/auth/password-resets', { program: 'flets-club', email: member.email }, as(null))).statusCode, 202);
      await ctx.mailbox.waitFor(member.email);
      await until(async () => (await ctx.db.query<{ status: string }>(messagesOf, [member.memberId])).every((m) => m.status === 'sent'), 'sent');
      ctx.clock.set(day(2));
      const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/retention/runs', {});
      assert.equal(run.statusCode, 200, run.body);
      assert.deepEqual(run.json<{ counts: Record<string, number> }>().counts, {
        webhook_failures: 0,
        webhooks_delivered: 0,
        emails_sent: 1,
        emails_suppressed: 0,
        sessions: 0, // they ended a day and a half ago: kept for 2 days
        links: 0,
        step_up_keys: 0,
        step_up_key_hashes: 0,
      });
      assert.deepEqual(await ctx.db.query(messagesOf, [member.memberId]), []);
      const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: day(4).toString() });
      const runs = moved.json<{ jobs: { job: string; counts: Record<string, number> }[] }>().jobs.filter((j) => j.job === 'retention');
      assert.equal(runs.reduce((n, r) => n + (r.counts.sessions ?? 0) + (r.counts.links ?? 0), 0), 2, moved.body);
    });
  },
  { mailbox: true, start: '2026-04-01T09:00:00+09:00', retention: { sentEmailDays: 1, deliveredWebhookDays: 1, endedCredentialDays: 2 } },
);
