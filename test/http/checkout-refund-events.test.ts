import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { adjust, call, describeApi, uniqueExternalId } from '../support/api.js';

/**
 * SR-5 from order events: order.cancelled refunds what the order's checkout payments have not
 * refunded yet; order.returned refunds in proportion to the returned amount, the rest when all of
 * it is back. On sony-rewards: 100 pt = $1, checkout step 1 pt, clawback allow_negative.
 */
type Event = { id: string; type: string; member: Record<string, unknown>; occurredAt: string; data: Record<string, unknown> };
type Result = { id: string; status: string; code?: string; points?: number; message?: string };

const refundRows = statement('test.refundRows', `
  select redemption_id, points, idempotency_key, actor from redemption_refunds where member_id = $1 order by id`);

describeApi('SR-5: order events refund checkout payments', (ctx) => {
  let sequence = 0;
  const eventId = () => `cre-${process.pid}-${(sequence += 1)}`;
  const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00-07:00`;

  const member = async (points = 10_000) => {
    const externalId = uniqueExternalId('sr5');
    const created = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/members', { externalId, joinedAt: '2014-01-01T00:00:00Z' });
    assert.equal(created.statusCode, 201, created.body);
    const id: string = created.json().id;
    assert.equal((await adjust(ctx.app, id, points, `${id}-seed`)).statusCode, 201);
    return { id, ref: { externalId } };
  };
  const pay = async (memberId: string, orderId: string, points: number, totalMinor = 5000) => {
    const body = { kind: 'checkout', points, orderId, orderTotal: { amountMinor: totalMinor, currency: 'USD' } };
    const response = await call(ctx.app, 'POST', `/v1/members/${memberId}/redemptions`, body, { 'idempotency-key': eventId() });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ id: string; transactionId: string }>();
  };
  const send = async (...events: Event[]): Promise<Result[]> => {
    const response = await call(ctx.app, 'POST', '/v1/programs/sony-rewards/events', { events });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ results: Result[] }>().results;
  };
  const event = (type: string, ref: Record<string, unknown>, day: number, data: Record<string, unknown>, id = eventId()): Event => ({
    id,
    type,
    member: ref,
    occurredAt: at(day),
    data,
  });
  const placed = (ref: Record<string, unknown>, orderId: string, lines: Record<string, unknown>[]) =>
    event('order.placed', ref, 2, { orderId, currency: 'USD', lines });
  const refunded = async (memberId: string) => {
    const items: { id: string; refundedPoints: number }[] = (await call(ctx.app, 'GET', `/v1/members/${memberId}/redemptions`)).json().items;
    return Object.fromEntries(items.map((r) => [r.id, r.refundedPoints]));
  };
  const balance = async (memberId: string) => (await call(ctx.app, 'GET', `/v1/members/${memberId}/balance`)).json<{ available: number; pending: number }>();

  it('order.cancelled refunds the whole payment in the event, keyed by the event, dated at it', async () => {
    const m = await member();
    const paid = await pay(m.id, 'C-1', 1250);
    // $40 + $5 tax + $5 shipping = the $50.00 order; SR-2 earns 40 points on the price, pending.
    const [order] = await send(placed(m.ref, 'C-1', [{ sku: 'TV', quantity: 1, unitPrice: 4000, tax: 500, shipping: 500 }]));
    assert.deepEqual([order?.status, order?.points], ['applied', 40]);
    const cancel = event('order.cancelled', m.ref, 3, { orderId: 'C-1' });
    const [cancelled] = await send(cancel);
    assert.deepEqual(cancelled, {
      id: cancel.id,
      status: 'applied',
      points: 1250 - 40,
      message: 'SR-6: 40 points taken back; SR-5: 1250 points of the checkout payment refunded',
    });
    assert.deepEqual(await balance(m.id), { available: 10_000, pending: 0, expiring: [] });
    assert.deepEqual(await refunded(m.id), { [paid.id]: 1250 });
    const rows = await ctx.db.query(refundRows, [m.id]);
    assert.deepEqual(rows, [{ redemption_id: paid.id, points: 1250, idempotency_key: `order-event:${cancel.id}:${paid.id}`, actor: rows[0]?.actor }]);
    assert.match(String(rows[0]?.actor), /^operator/, 'the actor the event pipeline records');
    const history = (await call(ctx.app, 'GET', `/v1/members/${m.id}/transactions`)).json().items as { kind: string; points: number; reverses: string; time: string }[];
    const refund = history.find((t) => t.kind === 'refund');
    assert.deepEqual([refund?.points, refund?.reverses], [1250, paid.transactionId]);
    assert.equal(Temporal.Instant.from(refund?.time ?? '').toString(), Temporal.Instant.from(at(3)).toString());
  });

  it('replaying the same event refunds nothing more', async () => {
    const m = await member();
    const paid = await pay(m.id, 'C-2', 1000);
    await send(placed(m.ref, 'C-2', [{ sku: 'CAM', quantity: 1, unitPrice: 5000 }]));
    const cancel = event('order.cancelled', m.ref, 3, { orderId: 'C-2' });
    assert.equal((await send(cancel))[0]?.status, 'applied');
    const [again] = await send(cancel);
    assert.deepEqual([again?.status, again?.points], ['duplicate', undefined]);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 1000 });
    assert.equal((await ctx.db.query(refundRows, [m.id])).length, 1);
    assert.equal((await balance(m.id)).available, 10_000);
  });

  it('order.returned refunds the returned share of the order amount, floored; returns in parts net exactly 0', async () => {
    const m = await member();
    const paid = await pay(m.id, 'R-1', 999);
    // Two games of $10 and a camera of $30: $50.00.
    await send(placed(m.ref, 'R-1', [{ sku: 'GAME', quantity: 2, unitPrice: 1000 }, { sku: 'CAM', quantity: 1, unitPrice: 3000 }]));
    await send(event('order.shipped', m.ref, 3, { orderId: 'R-1' }));
    assert.deepEqual(await balance(m.id), { available: 10_000 - 999 + 50, pending: 0, expiring: [] });
    const [first] = await send(event('order.returned', m.ref, 4, { orderId: 'R-1', lines: [{ sku: 'GAME', quantity: 1 }] }));
    // $10 of $50 back: floor(999 × 1/5) = 199 refunded; the game's 10 points are deducted.
    assert.deepEqual([first?.status, first?.points], ['applied', 199 - 10]);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 199 });
    const [second] = await send(event('order.returned', m.ref, 5, { orderId: 'R-1', lines: [{ sku: 'CAM', quantity: 1 }] }));
    // $40 of $50 back in all: floor(999 × 4/5) = 799, so 600 more.
    assert.deepEqual([second?.status, second?.points], ['applied', 600 - 30]);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 799 });
    const [last] = await send(event('order.returned', m.ref, 6, { orderId: 'R-1' }));
    assert.deepEqual([last?.status, last?.points], ['applied', 200 - 10], 'the last return refunds the rest');
    assert.deepEqual(await refunded(m.id), { [paid.id]: 999 });
    assert.deepEqual(await balance(m.id), { available: 10_000, pending: 0, expiring: [] }, 'payment and earning both net 0');
  });

  it('returns count refunds made by hand; a manual refund followed by a cancel refunds only the rest', async () => {
    const m = await member();
    const paid = await pay(m.id, 'M-1', 1000);
    await send(placed(m.ref, 'M-1', [{ sku: 'GAME', quantity: 4, unitPrice: 1250 }]));
    const manual = await call(ctx.app, 'POST', `/v1/members/${m.id}/redemptions/${paid.id}/refunds`, { points: 300 }, { 'idempotency-key': eventId() });
    assert.equal(manual.statusCode, 201, manual.body);
    // A quarter returned owes 250 refunded: the 300 refunded by hand already cover it.
    const [quarter] = await send(event('order.returned', m.ref, 3, { orderId: 'M-1', lines: [{ sku: 'GAME', quantity: 1 }] }));
    assert.deepEqual([quarter?.status, quarter?.points, quarter?.message], ['applied', -12, 'SR-6: 12 points deducted for the returned items']);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 300 });
    const [cancelled] = await send(event('order.cancelled', m.ref, 4, { orderId: 'M-1' }));
    assert.deepEqual([cancelled?.status, cancelled?.points], ['applied', 700 - 38]);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 1000 });
    assert.deepEqual(await balance(m.id), { available: 10_000, pending: 0, expiring: [] });
  });

  it('refunds every payment of the order, and only those of the member the event names', async () => {
    const m = await member();
    const other = await member();
    const first = await pay(m.id, 'S-1', 400);
    const second = await pay(m.id, 'S-1', 600);
    const elsewhere = await pay(m.id, 'S-2', 100);
    const theirs = await pay(other.id, 'S-1', 500);
    await send(placed(m.ref, 'S-1', [{ sku: 'TV', quantity: 1, unitPrice: 5000 }]), placed(other.ref, 'S-1', [{ sku: 'TV', quantity: 1, unitPrice: 5000 }]));
    const [cancelled] = await send(event('order.cancelled', m.ref, 3, { orderId: 'S-1' }));
    assert.deepEqual([cancelled?.status, cancelled?.points], ['applied', 1000 - 50]);
    assert.deepEqual(await refunded(m.id), { [first.id]: 400, [second.id]: 600, [elsewhere.id]: 0 });
    assert.deepEqual(await refunded(other.id), { [theirs.id]: 0 }, "another member's order of the same id is untouched");
    assert.equal((await balance(other.id)).available, 9_500);
  });

  it('an order paid in points but never placed here still refunds when cancelled or returned in full', async () => {
    const m = await member();
    const paid = await pay(m.id, 'U-1', 700);
    const [partial] = await send(event('order.returned', m.ref, 3, { orderId: 'U-1', lines: [{ sku: 'TV', quantity: 1 }] }));
    assert.deepEqual([partial?.status, partial?.code], ['rejected', 'unknown_order'], 'without the order its amounts are unknown');
    const [cancelled] = await send(event('order.cancelled', m.ref, 3, { orderId: 'U-1' }));
    assert.deepEqual(cancelled && [cancelled.status, cancelled.points, cancelled.message], ['applied', 700, 'SR-5: 700 points of the checkout payment refunded']);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 700 });
    const [again] = await send(event('order.cancelled', m.ref, 4, { orderId: 'U-1' }));
    assert.deepEqual([again?.status, again?.code], ['rejected', 'unknown_order'], 'nothing left to refund: as before');
    const returned = await pay(m.id, 'U-2', 300);
    const [whole] = await send(event('order.returned', m.ref, 4, { orderId: 'U-2' }));
    assert.deepEqual([whole?.status, whole?.points], ['applied', 300]);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 700, [returned.id]: 300 });
  });

  it('a cancelled order with no checkout payment does nothing new; a rejected event refunds nothing', async () => {
    const m = await member();
    await send(placed(m.ref, 'N-1', [{ sku: 'TV', quantity: 1, unitPrice: 5000 }]));
    const [cancelled] = await send(event('order.cancelled', m.ref, 3, { orderId: 'N-1' }));
    assert.deepEqual(cancelled && [cancelled.status, cancelled.points, cancelled.message], ['applied', -50, 'SR-6: 50 points taken back']);
    const [unknown] = await send(event('order.cancelled', m.ref, 3, { orderId: 'N-404' }));
    assert.deepEqual([unknown?.status, unknown?.code], ['rejected', 'unknown_order']);
    const paid = await pay(m.id, 'N-2', 500);
    await send(placed(m.ref, 'N-2', [{ sku: 'TV', quantity: 1, unitPrice: 5000 }]));
    const [tooMany] = await send(event('order.returned', m.ref, 3, { orderId: 'N-2', lines: [{ sku: 'TV', quantity: 2 }] }));
    assert.deepEqual([tooMany?.status, tooMany?.code], ['rejected', 'invalid_event']);
    assert.deepEqual(await refunded(m.id), { [paid.id]: 0 });
    assert.equal((await ctx.db.query(refundRows, [m.id])).length, 0);
  });
});
