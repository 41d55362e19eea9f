import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import type { Deliverer } from '../../src/notifications/index.js';
import { createWebhookDeliverer, publishWebhookEvent, verifySignature, webhookMaxAttempts, type WebhookPayload } from '../../src/webhooks/index.js';
import { adjust, as, call, describeApi, enrol, problemCode, uniqueExternalId } from '../support/api.js';
import { givenMemberLogIn, givenOperatorLogIn } from '../support/principals.js';
import { startReceiver, until } from '../support/receiver.js';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  replayOf: string | null;
}

const quiet = { info: () => {}, error: () => {} };

describeApi('webhooks (#7)', (ctx) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** A second deliverer on the app's database and test clock: the tests move the clock, then run it. */
  let retries: Deliverer;

  before(async () => {
    receiver = await startReceiver();
    retries = createWebhookDeliverer({ db: ctx.db, clock: ctx.clock, log: quiet });
  });
  after(async () => {
    await retries.stop();
    await receiver.close();
  });

  const subscribe = async (path: string, events: string[], program = 'flets-club') => {
    const response = await call(ctx.app, 'POST', `/v1/programs/${program}/webhooks`, { url: `${receiver.url}${path}`, events, description: `test ${path}` });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ id: string; secret: string; url: string; events: string[] }>();
  };
  const deliveries = async (webhookId: string, program = 'flets-club') => {
    const response = await call(ctx.app, 'GET', `/v1/programs/${program}/webhooks/${webhookId}/deliveries`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ items: Delivery[]; nextCursor: string | null }>().items;
  };
  const settled = (webhookId: string, program = 'flets-club') => async () => (await deliveries(webhookId, program)).every((d) => d.status !== 'pending' || d.attempts > 0);
  const nowSeconds = () => Math.floor(ctx.clock.now().epochMilliseconds / 1000);

  it('sends a signed points.credited after an adjustment, with ids only, and shows the secret once', async () => {
    const hook = await subscribe('/credited', ['points.credited']);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await call(ctx.app, 'GET', '/v1/programs/flets-club/webhooks');
    assert.equal(listed.statusCode, 200);
    assert.ok(!listed.body.includes(hook.secret) && !listed.body.includes('"secret"'), 'the list never shows a secret');
    const shown = listed.json<{ items: Record<string, unknown>[] }>().items.find((s) => s.id === hook.id);
    assert.deepEqual(shown, {
      id: hook.id,
      program: 'flets-club',
      url: `${receiver.url}/credited`,
      events: ['points.credited'],
      description: 'test /credited',
      createdAt: ctx.clock.now().toString(),
      createdBy: 'operator:admin-token',
      disabledAt: null,
    });

    const memberId = await enrol(ctx.app, 'flets-club', { name: 'Hanako Yamada', email: 'hanako.yamada@example.jp' });
    const adjusted = await adjust(ctx.app, memberId, 500, `${memberId}-credit`);
    assert.equal(adjusted.statusCode, 201, adjusted.body);
    await until(() => receiver.at('/credited').length === 1, 'the receiver has the event');

    const [request] = receiver.at('/credited');
    assert.ok(request);
    const signature = String(request.headers['pointbook-signature']);
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature(hook.secret, request.body, signature, nowSeconds()), 'the signature verifies with the secret');
    assert.ok(!verifySignature(hook.secret, request.body.replace('500', '501'), signature, nowSeconds()), 'a changed body does not verify');
    assert.ok(!verifySignature(`${hook.secret}x`, request.body, signature, nowSeconds()), 'another secret does not verify');
    assert.equal(request.headers['content-type'], 'application/json');

    const payload = JSON.parse(request.body) as WebhookPayload<'points.credited'>;
    assert.match(payload.id, /^evt_[0-9a-z]{26}$/);
    assert.equal(request.headers['pointbook-event-id'], payload.id);
    const { transactionId } = adjusted.json<{ transactionId: string }>();
    assert.deepEqual(payload, {
      id: payload.id,
      type: 'points.credited',
      program: 'flets-club',
      occurredAt: ctx.clock.now().toString(),
      data: { memberId, transactionId, points: 500, kind: 'adjustment', balance: { available: 500, pending: 0 } },
    });
    assert.ok(!request.body.includes('Hanako') && !request.body.includes('example.jp'), 'no personal data');

    await until(settled(hook.id), 'the delivery is recorded');
    const [delivery] = await deliveries(hook.id);
    assert.deepEqual({ ...delivery, id: undefined, deliveredAt: undefined }, {
      id: undefined,
      eventId: payload.id,
      eventType: 'points.credited',
      status: 'delivered',
      attempts: 1,
      lastResponseCode: 200,
      lastError: null,
      createdAt: ctx.clock.now().toString(),
      nextAttemptAt: null,
      deliveredAt: undefined,
      replayOf: null,
    });

    // A replayed adjustment (same Idempotency-Key) changed nothing, so it publishes nothing; a
    // debit is not an event this subscription asked for.
    assert.equal((await adjust(ctx.app, memberId, 500, `${memberId}-credit`)).statusCode, 201);
    assert.equal((await adjust(ctx.app, memberId, -100, `${memberId}-debit`)).statusCode, 201);
    assert.deepEqual(await retries.deliverPending(), { sent: 0, failed: 0 });
    assert.equal((await deliveries(hook.id)).length, 1);
    assert.equal(receiver.at('/credited').length, 1);
  });

  it('retries a delivery the receiver refused (500) once its next attempt is due, and it arrives', async () => {
    const hook = await subscribe('/retry', ['points.debited']);
    receiver.answers.set('/retry', [500]);
    const memberId = await enrol(ctx.app);
    assert.equal((await adjust(ctx.app, memberId, 300, `${memberId}-seed`)).statusCode, 201);
    assert.equal((await adjust(ctx.app, memberId, -120, `${memberId}-debit`)).statusCode, 201);
    await until(settled(hook.id), 'the first attempt is recorded');

    let [delivery] = await deliveries(hook.id);
    assert.ok(delivery);
    assert.equal(delivery.status, 'pending');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastResponseCode, 500);
    assert.match(delivery.lastError ?? '', /500/);
    assert.equal(delivery.nextAttemptAt, ctx.clock.now().add({ minutes: 1 }).toString());
    assert.deepEqual(await retries.deliverPending(), { sent: 0, failed: 0 }, 'not before its time');

    ctx.clock.advance({ minutes: 1 });
    assert.deepEqual(await retries.deliverPending(), { sent: 1, failed: 0 });
    [delivery] = await deliveries(hook.id);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.attempts, 2);
    assert.equal(delivery?.lastResponseCode, 200);

    const [first, second] = receiver.at('/retry');
    assert.ok(first && second);
    assert.equal(second.body, first.body, 'the same payload');
    assert.equal(second.headers['pointbook-event-id'], first.headers['pointbook-event-id'], 'the same event id, for dedupe');
    assert.notEqual(second.headers['pointbook-signature'], first.headers['pointbook-signature'], 'signed anew, at the time of sending');
    assert.ok(verifySignature(hook.secret, second.body, String(second.headers['pointbook-signature']), nowSeconds()));
    assert.equal((JSON.parse(second.body) as WebhookPayload<'points.debited'>).data.points, 120);
  });

  it(`gives a delivery up after ${webhookMaxAttempts} failed attempts; a replay sends it again as a new delivery`, async () => {
    const hook = await subscribe('/down', ['points.credited']);
    receiver.otherwise.set('/down', 503);
    const memberId = await enrol(ctx.app);
    assert.equal((await adjust(ctx.app, memberId, 40, `${memberId}-credit`)).statusCode, 201);
    await until(settled(hook.id), 'the first attempt is recorded');
    for (let attempt = 2; attempt <= webhookMaxAttempts; attempt += 1) {
      ctx.clock.advance({ hours: 1 });
      await retries.deliverPending();
    }
    ctx.clock.advance({ hours: 1 });
    assert.deepEqual(await retries.deliverPending(), { sent: 0, failed: 0 }, 'nothing left to try');
    const [failed] = await deliveries(hook.id);
    assert.ok(failed);
    assert.deepEqual([failed.status, failed.attempts, failed.lastResponseCode, failed.nextAttemptAt], ['failed', webhookMaxAttempts, 503, null]);
    assert.equal(receiver.at('/down').length, webhookMaxAttempts);

    receiver.otherwise.delete('/down');
    const replayed = await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${hook.id}/deliveries/${failed.id}/replay`);
    assert.equal(replayed.statusCode, 202, replayed.body);
    const replay = replayed.json<Delivery>();
    assert.deepEqual([replay.status, replay.attempts, replay.replayOf, replay.eventId], ['pending', 0, failed.id, failed.eventId]);
    assert.notEqual(replay.id, failed.id);
    await until(() => receiver.at('/down').length === webhookMaxAttempts + 1, 'the replay arrives');
    await until(settled(hook.id), 'the replay is recorded');
    const log = await deliveries(hook.id);
    assert.deepEqual(
      log.map((d) => [d.id, d.status, d.attempts]),
      [
        [replay.id, 'delivered', 1],
        [failed.id, 'failed', webhookMaxAttempts],
      ],
      'newest first; the original keeps its outcome',
    );
    const last = receiver.at('/down').at(-1);
    assert.ok(last && verifySignature(hook.secret, last.body, String(last.headers['pointbook-signature']), nowSeconds()));
    assert.equal(JSON.parse(last.body).id, failed.eventId);

    const page = await call(ctx.app, 'GET', `/v1/programs/flets-club/webhooks/${hook.id}/deliveries?limit=1`);
    const { items, nextCursor } = page.json<{ items: Delivery[]; nextCursor: string }>();
    assert.deepEqual(items.map((d) => d.id), [replay.id]);
    const rest = await call(ctx.app, 'GET', `/v1/programs/flets-club/webhooks/${hook.id}/deliveries?limit=1&cursor=${nextCursor}`);
    assert.deepEqual(rest.json<{ items: Delivery[] }>().items.map((d) => d.id), [failed.id]);

    const unknown = await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${hook.id}/deliveries/msg_${'0'.repeat(26)}/replay`);
    assert.equal(unknown.statusCode, 404);
  });

  it('sends nothing to a disabled subscription, and gives up what waited for it', async () => {
    const off = await subscribe('/off', ['points.credited']);
    const on = await subscribe('/on', ['points.credited']);
    const disabled = await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${off.id}/disable`);
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal(disabled.json<{ disabledAt: string }>().disabledAt, ctx.clock.now().toString());
    assert.equal((await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${off.id}/disable`)).statusCode, 200, 'twice is fine');

    receiver.answers.set('/on', [500]);
    const memberId = await enrol(ctx.app);
    assert.equal((await adjust(ctx.app, memberId, 10, `${memberId}-credit`)).statusCode, 201);
    await until(settled(on.id), 'the first attempt is recorded');
    assert.deepEqual(await deliveries(off.id), []);
    assert.equal(receiver.at('/off').length, 0);

    // Disabled while its delivery waits for a retry: the retry is given up, not sent.
    assert.equal((await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${on.id}/disable`)).statusCode, 200);
    ctx.clock.advance({ minutes: 1 });
    assert.deepEqual(await retries.deliverPending(), { sent: 0, failed: 1 });
    const [given] = await deliveries(on.id);
    assert.deepEqual([given?.status, given?.attempts], ['failed', 2]);
    assert.match(given?.lastError ?? '', /disabled/);
    assert.equal(receiver.at('/on').length, 1);

    const replay = await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${on.id}/deliveries/${given?.id}/replay`);
    assert.equal(replay.statusCode, 409);
    assert.equal(problemCode(replay), 'webhook_disabled');
  });

  it('publishes nothing for a change that rolls back', async () => {
    const hook = await subscribe('/rollback', ['points.debited', 'tier.changed']);
    const memberId = await enrol(ctx.app);
    const refused = await adjust(ctx.app, memberId, -1, `${memberId}-overdraw`);
    assert.equal(problemCode(refused), 'insufficient_points');
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        const published = await publishWebhookEvent(
          tx,
          { program: 'flets-club', type: 'tier.changed', occurredAt: ctx.clock.now(), data: { memberId, from: null, to: 'gold', direction: 'initial', month: '2026-04' } },
          { now: ctx.clock.now(), actor: 'test' },
        );
        assert.equal(published.deliveries, 1, 'written in the transaction');
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await retries.deliverPending(), { sent: 0, failed: 0 });
    assert.deepEqual(await deliveries(hook.id), []);
    assert.equal(receiver.at('/rollback').length, 0);
  });

  it('fails an attempt the receiver does not answer in time; it waits for a retry', async () => {
    const hook = await subscribe('/silent', ['draw.completed']);
    receiver.silent.add('/silent');
    const impatient = createWebhookDeliverer({ db: ctx.db, clock: ctx.clock, log: quiet, timeoutMs: 200 });
    try {
      // Written straight to the database (no kick): only the impatient deliverer sends it.
      await ctx.db.transaction((tx) =>
        publishWebhookEvent(tx, { program: 'flets-club', type: 'draw.completed', occurredAt: ctx.clock.now(), data: { drawId: 'swd_1', sweepstakes: 'status-up-present', period: '2024-04', commitment: 'c', seed: 's', awardAt: '2024-06-12T15:00:00Z', tiers: [] } }, { now: ctx.clock.now(), actor: 'test' }),
      );
      const startedMs = performance.now();
      assert.deepEqual(await impatient.deliverPending(), { sent: 0, failed: 1 });
      assert.ok(performance.now() - startedMs < 5_000, 'gave up after its timeout');
    } finally {
      await impatient.stop();
    }
    const [delivery] = await deliveries(hook.id);
    assert.deepEqual([delivery?.status, delivery?.attempts, delivery?.lastResponseCode], ['pending', 1, null]);
    assert.match(delivery?.lastError ?? '', /ETIMEDOUT/);
    await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${hook.id}/disable`);
  });

  it('publishes from upstream events, redemptions and refunds, only to the program subscribed', async () => {
    const hook = await subscribe('/sony', ['points.credited', 'points.debited'], 'sony-rewards');
    const externalId = uniqueExternalId('wh');
    const created = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId, joinedAt: '2025-01-01T00:00:00Z' });
    assert.equal(created.statusCode, 201, created.body);
    const memberId = created.json<{ id: string }>().id;

    const earned = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/events', {
      events: [
        {
          id: `wh-${externalId}`,
          type: 'partner.earned',
          member: { externalId },
          occurredAt: '2026-03-30T10:00:00Z',
          data: { partner: 'sony-card', points: 1000, reference: 'R-1' },
        },
      ],
    });
    assert.equal(earned.json<{ results: { status: string }[] }>().results[0]?.status, 'applied', earned.body);
    const paid = await call(
      ctx.app,
      'POST',
      `/v1/members/${memberId}/redemptions`,
      { kind: 'checkout', points: 300, orderId: 'WH-1', orderTotal: { amountMinor: 5000, currency: 'USD' } },
      { 'idempotency-key': `${externalId}-pay` },
    );
    assert.equal(paid.statusCode, 201, paid.body);
    const refunded = await call(ctx.app, 'POST', `/v1/members/${memberId}/redemptions/${paid.json<{ id: string }>().id}/refunds`, { points: 100 }, {
      'idempotency-key': `${externalId}-refund`,
    });
    assert.equal(refunded.statusCode, 201, refunded.body);

    await until(() => receiver.at('/sony').length === 3, 'three events arrive');
    const events = receiver.at('/sony').map((r) => JSON.parse(r.body) as WebhookPayload<'points.credited'>);
    assert.deepEqual(
      events.map((e) => [e.type, e.program, e.data.kind, e.data.points, e.data.balance.available]).sort(),
      [
        ['points.credited', 'sony-rewards', 'partner', 1000, 1000],
        ['points.credited', 'sony-rewards', 'refund', 100, 800],
        ['points.debited', 'sony-rewards', 'redeem', 300, 700],
      ].sort(),
    );
    const partner = events.find((e) => e.data.kind === 'partner');
    assert.equal(partner?.occurredAt, '2026-03-30T10:00:00Z', "an upstream event's own time");
    assert.ok(events.every((e) => e.data.memberId === memberId));
    assert.ok(receiver.received.every((r) => r.path === '/sony' || !r.body.includes(memberId)), 'no other subscription heard of it');
    await until(settled(hook.id, 'sony-rewards'), 'the deliveries are recorded');
    assert.deepEqual((await deliveries(hook.id, 'sony-rewards')).map((d) => d.status), ['delivered', 'delivered', 'delivered']);
  });

  it('publishes tier.changed from the status job', async () => {
    const hook = await subscribe('/tiers', ['tier.changed'], 'sonet');
    const created = await call(ctx.app, 'POST', '/v1/programs/sonet/members', { externalId: uniqueExternalId('wh'), joinedAt: '2022-06-15T10:00:00+09:00' });
    assert.equal(created.statusCode, 201, created.body);
    const memberId = created.json<{ id: string }>().id;
    const run = await call(ctx.app, 'POST', '/v1/programs/sonet/jobs/status/runs', { month: '2026-05' });
    assert.equal(run.statusCode, 200, run.body);
    await until(() => receiver.at('/tiers').length === 1, 'the change arrives');
    const [request] = receiver.at('/tiers');
    const payload = JSON.parse(request?.body ?? '{}') as WebhookPayload<'tier.changed'>;
    assert.equal(payload.type, 'tier.changed');
    assert.equal(payload.program, 'sonet');
    assert.deepEqual({ ...payload.data, to: undefined }, { memberId, from: null, to: undefined, direction: 'initial', month: '2026-05' });
    assert.equal(typeof payload.data.to, 'string');
    assert.equal(payload.occurredAt, Temporal.Instant.from('2026-04-30T15:00:00Z').toString(), 'the start of the status month');
    await until(settled(hook.id, 'sonet'), 'the delivery is recorded');
  });

  it('refuses URLs that are not https (but localhost), credentials in URLs and unknown event types', async () => {
    const cases: [string, string][] = [
      ['http://hooks.example.jp/pointbook', 'not_https'],
      ['ftp://127.0.0.1/hook', 'not_https'],
      ['https://user:secret@hooks.example.jp/pointbook', 'credentials'],
      ['hooks.example.jp/pointbook', 'invalid'],
    ];
    for (const [url, reason] of cases) {
      const response = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url, events: ['points.credited'] });
      assert.equal(response.statusCode, 422, url);
      assert.equal(problemCode(response), 'webhook_url_not_allowed', url);
      assert.equal(response.json<{ reason: string }>().reason, reason, url);
      assert.ok(!response.body.includes('secret@'), 'the refusal does not repeat a password');
    }
    for (const url of ['https://hooks.example.jp/pointbook', 'http://localhost:8080/hook']) {
      const response = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url, events: ['draw.completed'] });
      assert.equal(response.statusCode, 201, response.body);
      await call(ctx.app, 'POST', `/v1/programs/flets-club/webhooks/${response.json<{ id: string }>().id}/disable`);
    }
    const unknown = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url: 'https://hooks.example.jp/p', events: ['points.spent'] });
    assert.equal(problemCode(unknown), 'invalid_request');
    const none = await call(ctx.app, 'POST', '/v1/programs/flets-club/webhooks', { url: 'https://hooks.example.jp/p', events: [] });
    assert.equal(problemCode(none), 'invalid_request');
    const noProgram = await call(ctx.app, 'GET', '/v1/programs/nope/webhooks');
    assert.equal(problemCode(noProgram), 'unknown_program');
    const otherProgram = await call(ctx.app, 'GET', `/v1/programs/sonet/webhooks/${(await subscribe('/mine', ['tier.changed'])).id}/deliveries`);
    assert.equal(otherProgram.statusCode, 404, "another program's webhook is not found");
  });

  it('limits a program to 16 active webhooks', async () => {
    const listed = await call(ctx.app, 'GET', '/v1/programs/softbank/webhooks');
    assert.deepEqual(listed.json(), { items: [] });
    const ids: string[] = [];
    for (let i = 0; i < 16; i += 1) ids.push((await subscribe(`/many/${i}`, ['draw.completed'], 'softbank')).id);
    const over = await call(ctx.app, 'POST', '/v1/programs/softbank/webhooks', { url: `${receiver.url}/many/16`, events: ['draw.completed'] });
    assert.equal(problemCode(over), 'too_many_webhooks');
    await call(ctx.app, 'POST', `/v1/programs/softbank/webhooks/${ids[0]}/disable`);
    assert.equal((await call(ctx.app, 'POST', '/v1/programs/softbank/webhooks', { url: `${receiver.url}/many/16`, events: ['draw.completed'] })).statusCode, 201);
  });

  it('lets admins manage webhooks, support read the delivery log, and nobody else', async () => {
    const hook = await subscribe('/roles', ['points.credited']);
    const support = await givenOperatorLogIn(ctx, 'support');
    const marketing = await givenOperatorLogIn(ctx, 'marketing');
    const admin = await givenOperatorLogIn(ctx, 'admin');
    const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Taro Webhook', email: 'taro.webhook@example.jp' });
    const base = '/v1/programs/flets-club/webhooks';
    const create = { url: `${receiver.url}/roles`, events: ['points.credited'] };

    assert.equal((await call(ctx.app, 'GET', `${base}/${hook.id}/deliveries`, undefined, as(support.token))).statusCode, 200);
    for (const [token, expected] of [
      [support.token, 'forbidden'],
      [marketing.token, 'forbidden'],
      [member.token, 'forbidden'],
      [null, 'unauthorized'],
    ] as const) {
      assert.equal(problemCode(await call(ctx.app, 'POST', base, create, as(token))), expected);
      assert.equal(problemCode(await call(ctx.app, 'GET', base, undefined, as(token))), expected);
      assert.equal(problemCode(await call(ctx.app, 'POST', `${base}/${hook.id}/disable`, undefined, as(token))), expected);
    }
    assert.equal(problemCode(await call(ctx.app, 'GET', `${base}/${hook.id}/deliveries`, undefined, as(marketing.token))), 'forbidden');
    const made = await call(ctx.app, 'POST', base, create, as(admin.token));
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json<{ createdBy: string }>().createdBy, `operator:${admin.operatorId}`);
  });
});
