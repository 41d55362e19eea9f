import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Temporal } from 'temporal-polyfill';
import { verifySignature, type WebhookPayload } from '../../src/webhooks/index.js';
import { adjust, call, describeApi, enrol, uniqueExternalId } from '../support/api.js';
import { startReceiver, until } from '../support/receiver.js';

/**
 * Points events that jobs and enrolment publish (decisions 45, 47), to a real HTTP receiver:
 * `points.expired` from the nightly expiry and from lazy expiry, the monthly grant, the forfeit
 * catch-up and the enrolment bonus. Each exactly once: re-runs publish nothing.
 */
describeApi('webhooks: points events of jobs (#7)', (ctx) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  const subscribe = async (path: string, events: string[], program = 'flets-club') => {
    const response = await call(ctx.app, 'POST', `/v1/programs/${program}/webhooks`, { url: `${receiver.url}${path}`, events, description: `test ${path}` });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ id: string; secret: string }>();
  };
  const deliveries = async (webhookId: string) => {
    const response = await call(ctx.app, 'GET', `/v1/programs/flets-club/webhooks/${webhookId}/deliveries`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ items: { eventType: string; status: string; attempts: number }[] }>().items;
  };
  const settled = (webhookId: string) => async () => (await deliveries(webhookId)).every((d) => d.status !== 'pending' || d.attempts > 0);

  it('publishes points.credited for an enrolment bonus (SR-1)', async () => {
    await subscribe('/bonus', ['points.credited'], 'sony-rewards');
    const enrolled = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId: uniqueExternalId('wh'), joinedAt: '2014-10-01T00:00:00-07:00' });
    assert.equal(enrolled.statusCode, 201, enrolled.body);
    const { id: memberId, bonuses } = enrolled.json<{ id: string; bonuses: { points: number }[] }>();
    assert.deepEqual(bonuses.map((b) => b.points), [250]);
    await until(() => receiver.at('/bonus').length === 1, 'the bonus arrives');
    const payload = JSON.parse(receiver.at('/bonus')[0]?.body ?? '{}') as WebhookPayload<'points.credited'>;
    assert.deepEqual([payload.type, payload.data.memberId, payload.data.kind, payload.data.points, payload.data.balance.available], ['points.credited', memberId, 'bonus', 250, 250]);
  });


  // It moves the clock by weeks: the tests after it take their times from the clock.
  it('publishes one points.expired per expired bucket, lazily or from the nightly job, and a re-run sends none', async () => {
    const hook = await subscribe('/expired', ['points.expired']);
    const due = (at: string) => ({ expiresAt: at });
    const may = '2026-05-01T00:00:00+09:00';
    const june = '2026-06-01T00:00:00+09:00';
    const kept = await enrol(ctx.app);
    assert.equal((await adjust(ctx.app, kept, 300, `${kept}-may`, due(may))).statusCode, 201);
    assert.equal((await adjust(ctx.app, kept, 200, `${kept}-june`, due(june))).statusCode, 201);
    assert.equal((await adjust(ctx.app, kept, 50, `${kept}-later`)).statusCode, 201);
    const spender = await enrol(ctx.app);
    assert.equal((await adjust(ctx.app, spender, 80, `${spender}-may`, due(may))).statusCode, 201);
    assert.equal((await adjust(ctx.app, spender, 20, `${spender}-later`)).statusCode, 201);
    assert.equal(receiver.at('/expired').length, 0, 'nothing has expired yet');

    // The spender debits before the nightly job has run: the debit expires the due bucket first,
    // and that expiry is published with the debit.
    ctx.clock.set(Temporal.Instant.from('2026-05-15T12:00:00+09:00'));
    const debited = await adjust(ctx.app, spender, -10, `${spender}-debit`);
    assert.equal(debited.statusCode, 201, debited.body);
    await until(() => receiver.at('/expired').length === 1, 'the lazy expiry arrives');

    ctx.clock.set(Temporal.Instant.from('2026-06-02T00:00:00+09:00'));
    const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/expire/runs', {});
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json<{ status: string }>().status, 'done');
    await until(() => receiver.at('/expired').length === 3, 'the job’s expiries arrive');

    const events = receiver.at('/expired').map((r) => JSON.parse(r.body) as WebhookPayload<'points.expired'>);
    const expiries = async (memberId: string) => {
      const response = await call(ctx.app, 'GET', `/v1/members/${memberId}/transactions`);
      return response.json<{ items: { id: string; kind: string }[] }>().items.filter((t) => t.kind === 'expire').map((t) => t.id).sort();
    };
    assert.deepEqual(
      events.map((e) => [e.type, e.program, e.occurredAt, e.data.memberId, e.data.points, e.data.kind, e.data.expiresAt, e.data.lotClass, e.data.balance]),
      [
        ['points.expired', 'flets-club', '2026-04-30T15:00:00Z', spender, 80, 'expire', '2026-04-30T15:00:00Z', 'base', { available: 20, pending: 0 }],
        ['points.expired', 'flets-club', '2026-04-30T15:00:00Z', kept, 300, 'expire', '2026-04-30T15:00:00Z', 'base', { available: 250, pending: 0 }],
        ['points.expired', 'flets-club', '2026-05-31T15:00:00Z', kept, 200, 'expire', '2026-05-31T15:00:00Z', 'base', { available: 50, pending: 0 }],
      ],
    );
    assert.deepEqual(events.filter((e) => e.data.memberId === kept).map((e) => e.data.transactionId).sort(), await expiries(kept));
    assert.deepEqual(events.filter((e) => e.data.memberId === spender).map((e) => e.data.transactionId), await expiries(spender));
    assert.equal(new Set(events.map((e) => e.id)).size, 3, 'an event id each');
    for (const request of receiver.at('/expired')) {
      const signature = String(request.headers['pointbook-signature']);
      const signedAt = Number(/^t=(\d+),/.exec(signature)?.[1]);
      assert.ok(verifySignature(hook.secret, request.body, signature, signedAt), 'signed (the lazy one on its own day)');
    }

    // The same period again is a no-op; a later run finds nothing left to expire, so it publishes nothing.
    const again = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/expire/runs', {});
    assert.equal(again.json<{ status: string }>().status, 'already_done');
    ctx.clock.advance({ hours: 24 });
    const later = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/expire/runs', {});
    assert.equal(later.json<{ status: string }>().status, 'done', later.body);
    await until(settled(hook.id), 'the deliveries are recorded');
    await sleep(200);
    assert.equal(receiver.at('/expired').length, 3, 'no expiry was published twice');
    assert.deepEqual((await deliveries(hook.id)).map((d) => [d.eventType, d.status]), Array(3).fill(['points.expired', 'delivered']));
  });

  it('publishes points.credited for the monthly grant (FL-2), once however often the month runs', async () => {
    const hook = await subscribe('/grants', ['points.credited']);
    const externalId = uniqueExternalId('wh');
    const joined = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId, joinedAt: '2026-04-01T00:00:00+09:00' });
    assert.equal(joined.statusCode, 201, joined.body);
    const memberId = joined.json<{ id: string }>().id;
    const contract = { contractId: `C-${externalId}`, type: 'flets-hikari', plan: 'mansion', commitmentDiscount: true };
    const started = await call(ctx.app, 'POST', '/v1/programs/flets-club/events', {
      events: [{ id: `wh-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-04-15T10:00:00+09:00', data: contract }],
    });
    assert.equal(started.json<{ results: { status: string }[] }>().results[0]?.status, 'applied', started.body);
    for (const attempt of [1, 2]) {
      const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/monthly-grant/runs', { month: '2026-06' });
      assert.equal(run.json<{ status: string }>().status, attempt === 1 ? 'done' : 'already_done', run.body);
    }
    await until(() => receiver.at('/grants').some((r) => r.body.includes(memberId)), 'the grant arrives');
    await until(settled(hook.id), 'the deliveries are recorded');
    const grants = receiver.at('/grants').map((r) => JSON.parse(r.body) as WebhookPayload<'points.credited'>).filter((e) => e.data.memberId === memberId);
    assert.deepEqual(
      grants.map((e) => [e.data.kind, e.data.points, e.data.balance.available, e.occurredAt]),
      [['grant', 500, 500, '2026-05-31T15:00:00Z']],
    );
  });
  it('publishes the forfeit job’s points.debited (FL-10), after the points.expired of what its forfeit expired first', async () => {
    await subscribe('/forfeit', ['points.debited', 'points.expired']);
    const externalId = uniqueExternalId('wh');
    const joined = await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId, joinedAt: '2026-04-01T00:00:00+09:00' });
    const memberId = joined.json<{ id: string }>().id;
    const contractId = `C-${externalId}`;
    const event = (type: string, occurredAt: Temporal.Instant, data: Record<string, unknown>) => ({ id: `wh-${type}-${externalId}`, type, member: { externalId }, occurredAt: occurredAt.toString(), data });
    const now = ctx.clock.now();
    const sent = await call(ctx.app, 'POST', '/v1/programs/flets-club/events', {
      events: [
        event('contract.started', Temporal.Instant.from('2026-04-15T10:00:00+09:00'), { contractId, type: 'flets-hikari' }),
        // Cancelled with nothing to forfeit yet: the catch-up job forfeits what comes later.
        event('contract.cancelled', now.subtract({ hours: 1 }), { contractId }),
      ],
    });
    assert.deepEqual(sent.json<{ results: { status: string }[] }>().results.map((r) => r.status), ['applied', 'applied'], sent.body);
    assert.equal((await adjust(ctx.app, memberId, 100, `${memberId}-soon`, { expiresAt: now.add({ hours: 1 }).toString() })).statusCode, 201);
    assert.equal((await adjust(ctx.app, memberId, 50, `${memberId}-kept`)).statusCode, 201);
    ctx.clock.advance({ hours: 2 });
    const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/forfeit/runs', {});
    assert.equal(run.statusCode, 200, run.body);
    await until(() => receiver.at('/forfeit').length === 2, 'the expiry and the forfeit arrive');
    const events = receiver.at('/forfeit').map((r) => JSON.parse(r.body) as WebhookPayload<'points.debited'>);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.memberId, e.data.kind, e.data.points, e.data.balance.available]),
      [
        ['points.expired', memberId, 'expire', 100, 50],
        ['points.debited', memberId, 'forfeit', 50, 0],
      ],
    );
    const again = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/forfeit/runs', { asOf: ctx.clock.now().add({ minutes: 1 }).toString() });
    assert.equal(again.statusCode, 200, again.body);
    await sleep(200);
    assert.equal(receiver.at('/forfeit').length, 2, 'a later run forfeits, and publishes, nothing again');
  });
});
