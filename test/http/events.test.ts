import assert from 'node:assert/strict';
import { it } from 'node:test';
import { call, describeApi, programFromYaml, uniqueExternalId } from '../support/api.js';

type Event = { id: string; type: string; member: Record<string, unknown>; occurredAt: string; data: Record<string, unknown> };

describeApi(
  'events: retail rewards (sony-rewards)',
  (ctx) => {
    let sequence = 0;
    const eventId = () => `evt-${process.pid}-${(sequence += 1)}`;
    const send = async (events: Event[]) => {
      const response = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/events', { events });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().results as { id: string; status: string; code?: string; points?: number }[];
    };
    const balance = async (id: string) => (await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json();
    const enrolLinked = async () => {
      const externalId = uniqueExternalId('sr');
      const member = (await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId, joinedAt: '2014-01-01T00:00:00Z' })).json();
      const store = `S-${externalId}`;
      const link = await call(ctx.app, 'POST', `/v1/members/${member.id}/links`, { system: 'sony-store', accountId: store });
      assert.equal(link.statusCode, 201, link.body);
      return { id: member.id as string, externalId, ref: { link: { system: 'sony-store', accountId: store } } };
    };
    const order = (ref: Record<string, unknown>, orderId: string, at: string, lines: Record<string, unknown>[]): Event => ({
      id: eventId(),
      type: 'order.placed',
      member: ref,
      occurredAt: at,
      data: { orderId, currency: 'USD', lines },
    });

    it('SR-2/SR-3: earns on the price only, pending until shipment, then available', async () => {
      const m = await enrolLinked();
      const [placed] = await send([
        order(m.ref, 'O-1', '2014-10-10T10:00:00-07:00', [{ sku: 'TV', quantity: 1, unitPrice: 49_999, tax: 4_500, shipping: 1_500, fees: 300 }]),
      ]);
      assert.equal(placed?.status, 'applied');
      assert.equal(placed?.points, 499, '1 pt per whole $1 of the product price, not tax, shipping or fees');
      assert.deepEqual(await balance(m.id), { available: 0, pending: 499, expiring: [] });
      const [shipped] = await send([{ id: eventId(), type: 'order.shipped', member: m.ref, occurredAt: '2014-10-12T10:00:00-07:00', data: { orderId: 'O-1' } }]);
      assert.equal(shipped?.status, 'applied');
      assert.deepEqual(await balance(m.id), { available: 499, pending: 0, expiring: [] });
    });

    it('SR-2: 5x during the holiday promotion; SR-6 a partial return takes back its promotion points too', async () => {
      const m = await enrolLinked();
      await send([order(m.ref, 'O-2', '2014-12-01T10:00:00-08:00', [{ sku: 'CAM', quantity: 2, unitPrice: 10_000 }, { sku: 'SD', quantity: 1, unitPrice: 2_000 }])]);
      assert.equal((await balance(m.id)).pending, 1_100, '(2 × $100 + $20) × 5');
      await send([{ id: eventId(), type: 'order.shipped', member: { externalId: m.externalId }, occurredAt: '2014-12-03T10:00:00-08:00', data: { orderId: 'O-2' } }]);
      const [returned] = await send([
        { id: eventId(), type: 'order.returned', member: m.ref, occurredAt: '2014-12-20T10:00:00-08:00', data: { orderId: 'O-2', lines: [{ sku: 'CAM', quantity: 1 }] } },
      ]);
      assert.equal(returned?.points, -500);
      assert.equal((await balance(m.id)).available, 600);
      await send([{ id: eventId(), type: 'order.returned', member: m.ref, occurredAt: '2014-12-21T10:00:00-08:00', data: { orderId: 'O-2' } }]);
      assert.equal((await balance(m.id)).available, 0, 'a fully returned order nets zero points');
    });

    it('SR-6/SR-3: returning a shipped item takes back its own points; a line not shipped yet stays pending', async () => {
      const m = await enrolLinked();
      await send([order(m.ref, 'O-7', '2014-10-01T10:00:00-07:00', [{ sku: 'TV', quantity: 1, unitPrice: 50_000 }, { sku: 'CABLE', quantity: 2, unitPrice: 1_000 }])]);
      await send([{ id: eventId(), type: 'order.shipped', member: m.ref, occurredAt: '2014-10-02T10:00:00-07:00', data: { orderId: 'O-7', lines: [{ sku: 'TV', quantity: 1 }, { sku: 'CABLE', quantity: 1 }] } }]);
      assert.deepEqual(await balance(m.id), { available: 510, pending: 10, expiring: [] });
      const [returned] = await send([
        { id: eventId(), type: 'order.returned', member: m.ref, occurredAt: '2014-10-03T10:00:00-07:00', data: { orderId: 'O-7', lines: [{ sku: 'TV', quantity: 1 }] } },
      ]);
      assert.equal(returned?.points, -500);
      assert.deepEqual(await balance(m.id), { available: 10, pending: 10, expiring: [] }, 'the unshipped cable is still pending');
      // Both cables come back, one shipped and one not: each takes back from where its points are.
      await send([{ id: eventId(), type: 'order.returned', member: m.ref, occurredAt: '2014-10-04T10:00:00-07:00', data: { orderId: 'O-7', lines: [{ sku: 'CABLE', quantity: 2 }] } }]);
      assert.deepEqual(await balance(m.id), { available: 0, pending: 0, expiring: [] });
    });

    it('SR-6: a return after the points were spent leaves a debt the next points pay', async () => {
      const m = await enrolLinked();
      await send([order(m.ref, 'O-3', '2014-10-01T10:00:00-07:00', [{ sku: 'X', quantity: 1, unitPrice: 30_000 }])]);
      await send([{ id: eventId(), type: 'order.shipped', member: m.ref, occurredAt: '2014-10-02T10:00:00-07:00', data: { orderId: 'O-3' } }]);
      const spend = await call(ctx.app, 'POST', `/v1/members/${m.id}/adjustments`, { points: -250, reason: 'spent' }, { 'idempotency-key': `${m.id}-spend` });
      assert.equal(spend.statusCode, 201);
      await send([{ id: eventId(), type: 'order.cancelled', member: m.ref, occurredAt: '2014-10-03T10:00:00-07:00', data: { orderId: 'O-3' } }]);
      assert.equal((await balance(m.id)).available, -250);
      await send([{ id: eventId(), type: 'partner.earned', member: m.ref, occurredAt: '2014-10-04T10:00:00-07:00', data: { partner: 'sony-card', points: 300, reference: 'card-1' } }]);
      assert.equal((await balance(m.id)).available, 50);
    });

    it('SR-4: an order placed before the account was linked earns nothing', async () => {
      const m = await enrolLinked();
      const [early] = await send([order(m.ref, 'O-4', '2014-08-31T23:59:59-07:00', [{ sku: 'X', quantity: 1, unitPrice: 1_000 }])]);
      assert.equal(early?.status, 'rejected');
      assert.equal(early?.code, 'placed_before_link');
    });

    it('is idempotent by event id, rejects bad events alone, and names unknown members', async () => {
      const m = await enrolLinked();
      const good = order(m.ref, 'O-5', '2014-10-10T10:00:00-07:00', [{ sku: 'X', quantity: 1, unitPrice: 1_000 }]);
      const results = await send([
        good,
        { ...good },
        { id: eventId(), type: 'order.exploded', member: m.ref, occurredAt: good.occurredAt, data: {} },
        { id: eventId(), type: 'order.placed', member: m.ref, occurredAt: good.occurredAt, data: { orderId: 'O-6', currency: 'USD', lines: [] } },
        { id: eventId(), type: 'order.placed', member: { externalId: 'nobody' }, occurredAt: good.occurredAt, data: good.data },
        { id: eventId(), type: 'order.shipped', member: m.ref, occurredAt: good.occurredAt, data: { orderId: 'O-404' } },
        { id: eventId(), type: 'partner.earned', member: m.ref, occurredAt: good.occurredAt, data: { partner: 'acme', points: 5, reference: 'r' } },
      ]);
      assert.deepEqual(
        results.map((r) => [r.status, r.code]),
        [
          ['applied', undefined],
          ['duplicate', undefined],
          ['rejected', 'unknown_event_type'],
          ['rejected', 'invalid_event'],
          ['rejected', 'unknown_member'],
          ['rejected', 'unknown_order'],
          ['rejected', 'unknown_partner'],
        ],
      );
      const again = await send([good]);
      assert.equal(again[0]?.status, 'duplicate');
      assert.deepEqual(await balance(m.id), { available: 0, pending: 10, expiring: [] });
    });

    it('re-enrols a member who left: same member, new period', async () => {
      const externalId = uniqueExternalId('sr');
      const first = (await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId })).json();
      const [left] = await send([{ id: eventId(), type: 'member.left', member: { externalId }, occurredAt: '2014-09-01T07:00:00Z', data: {} }]);
      assert.equal(left?.status, 'applied');
      await call(ctx.app, 'POST', '/v1/test-clock', { now: '2014-09-10T00:00:00-07:00' });
      const again = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId });
      assert.equal(again.statusCode, 201, again.body);
      assert.equal(again.json().id, first.id);
      assert.equal(again.json().reenrolled, true);
      const periods = (await call(ctx.app, 'GET', `/v1/members/${first.id}/memberships`)).json();
      assert.equal(periods.length, 2);
      assert.notEqual(periods[0].endedAt, null);
      assert.equal(periods[1].endedAt, null);
      const third = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId });
      assert.equal(third.statusCode, 409);
    });
  },
  // The store accounts are linked at the start; the events carry their own (later) times.
  { start: '2014-09-01T00:00:00-07:00' },
);

describeApi(
  'events and jobs: ISP club (flets-club)',
  (ctx) => {
    let sequence = 0;
    const eventId = () => `fl-${process.pid}-${(sequence += 1)}`;
    const send = async (events: Event[]) => (await call(ctx.app, 'POST', '/v1/programs/flets-club/events', { events })).json().results;
    const balance = async (id: string) => (await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json();

    it('FL-2/FL-9: 500 points a month while the commitment discount applies; FL-10 cancelling forfeits them all', async () => {
      const externalId = uniqueExternalId('fl');
      const member = (await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId })).json();
      const contract = { contractId: `C-${externalId}`, type: 'flets-hikari', plan: 'mansion', commitmentDiscount: true };
      const [started] = await send([{ id: eventId(), type: 'contract.started', member: { externalId }, occurredAt: '2026-04-15T10:00:00+09:00', data: contract }]);
      assert.equal(started.status, 'applied');

      const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2026-07-01T00:00:00+09:00' });
      assert.equal(moved.statusCode, 200, moved.body);
      const grants = moved.json().jobs.filter((j: { job: string }) => j.job === 'monthly-grant');
      assert.deepEqual(grants.map((g: { period: string }) => g.period), ['2026-05', '2026-06', '2026-07']);
      assert.equal((await balance(member.id)).available, 1_500);
      // FL-8: earned in fiscal 2026 → valid until the end of fiscal 2028.
      assert.deepEqual((await balance(member.id)).expiring, [{ points: 1_500, expiresAt: '2029-03-31T15:00:00Z' }]);

      const rerun = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/monthly-grant/runs', { month: '2026-07' });
      assert.equal(rerun.json().status, 'already_done');

      const [cancelled] = await send([{ id: eventId(), type: 'contract.cancelled', member: { externalId }, occurredAt: '2026-07-20T10:00:00+09:00', data: { contractId: contract.contractId } }]);
      assert.equal(cancelled.points, -1_500);
      assert.equal((await balance(member.id)).available, 0);
      await call(ctx.app, 'POST', '/v1/test-clock', { now: '2026-08-01T00:00:00+09:00' });
      assert.equal((await balance(member.id)).available, 0, 'no grant after the cancellation');
    });

    it('FL-2: no points without the commitment discount, or when cancelled the day before the grant', async () => {
      const a = uniqueExternalId('fl');
      const b = uniqueExternalId('fl');
      const ids = [];
      for (const externalId of [a, b]) ids.push((await call(ctx.app, 'POST', '/v1/programs/flets-club/members', { externalId })).json().id);
      await send([
        { id: eventId(), type: 'contract.started', member: { externalId: a }, occurredAt: '2026-08-02T00:00:00+09:00', data: { contractId: `C-${a}`, type: 'flets-hikari', commitmentDiscount: false } },
        { id: eventId(), type: 'contract.started', member: { externalId: b }, occurredAt: '2026-08-02T00:00:00+09:00', data: { contractId: `C-${b}`, type: 'flets-hikari', commitmentDiscount: true } },
        { id: eventId(), type: 'contract.cancelled', member: { externalId: b }, occurredAt: '2026-08-31T12:00:00+09:00', data: { contractId: `C-${b}` } },
      ]);
      await call(ctx.app, 'POST', '/v1/test-clock', { now: '2026-09-01T00:00:00+09:00' });
      for (const id of ids) assert.equal((await balance(id)).available, 0);
    });
  },
  { start: '2026-04-01T00:00:00+09:00' },
);

describeApi(
  'events: forfeit on leaving (forfeitOn: member.left)',
  (ctx) => {
    it('forfeits every point when the program lists member.left, once', async () => {
      const externalId = uniqueExternalId('fl');
      const member = (await call(ctx.app, 'POST', '/v1/programs/leave-forfeits/members', { externalId })).json();
      await call(ctx.app, 'POST', `/v1/members/${member.id}/adjustments`, { points: 70, reason: 'gift' }, { 'idempotency-key': `${member.id}-gift` });
      const left = { id: `left-${externalId}`, type: 'member.left', member: { externalId }, occurredAt: '2026-04-01T00:00:00+09:00', data: {} };
      const [result] = (await call(ctx.app, 'POST', '/v1/programs/leave-forfeits/events', { events: [left] })).json().results;
      assert.equal(result.status, 'applied');
      assert.equal(result.points, -70);
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${member.id}/balance`)).json().available, 0);
    });
  },
  {
    start: '2026-04-01T00:00:00+09:00',
    extraPrograms: () => [
      programFromYaml(
        'leave-forfeits',
        `key: leave-forfeits
name: Leaving forfeits
timeZone: Asia/Tokyo
currency: JPY
pointValue: { points: 1, amountMinor: 1 }
expiry: { policy: none }
earning:
  forfeitOn: [member.left]
`,
      ),
    ],
  },
);
