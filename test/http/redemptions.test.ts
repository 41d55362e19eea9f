import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../../src/db/index.js';
import type { App } from '../../src/http/app.js';
import { adjust, call, describeApi, enrol, problemCode, programFromYaml, uniqueExternalId, type ApiContext } from '../support/api.js';

/**
 * The redemption API (FL-3..FL-6, SR-5) on the example programs, plus "redeem-lab": a program
 * that exercises what the seeds leave at their defaults (steps above 1, a 3 pt = 2 yen value,
 * stock of 1 and 0, step-up on every kind, a header of its own, short keys, 3 failures a day).
 */
const labYaml = `key: redeem-lab
name: Redemption lab
timeZone: Asia/Tokyo
currency: JPY
pointValue: { points: 3, amountMinor: 2 }
expiry: { policy: none }
redemption:
  billCredit: { step: 30, monthlyCap: 300 }
  checkout: { step: 3 }
  catalog:
    - { id: last-one, names: { ja: 最後の一つ, en: The last one }, points: 30, stock: 1, kind: item, shipping: required }
    - { id: sold-out, names: { ja: 完売, en: Sold out }, points: 30, stock: 0, kind: item, shipping: none }
    - { id: ticket, names: { ja: 招待券, en: Ticket }, points: 60, kind: experience, shipping: none }
  stepUp:
    trustedHeader: X-Lab-Line
    required: [bill_credit, catalog, checkout]
    keyValidMinutes: 5
    maxFailuresPerDay: 3
`;

/** The API on the example programs plus redeem-lab. */
function describeRedemptionApi(title: string, body: (ctx: ApiContext) => void, options: { testClock?: boolean } = {}): void {
  describeApi(title, body, { ...options, extraPrograms: () => [programFromYaml('redeem-lab', labYaml)] });
}

let keys = 0;
const newKey = () => `rk-${process.pid}-${(keys += 1)}`;

function redeemCall(app: App, member: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(app, 'POST', `/v1/members/${member}/redemptions`, body, { 'idempotency-key': newKey(), ...headers });
}

function refundCall(app: App, member: string, redemption: string, body?: Record<string, unknown>, key = newKey()) {
  return call(app, 'POST', `/v1/members/${member}/redemptions/${redemption}/refunds`, body, { 'idempotency-key': key });
}

function refused(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(problemCode(response), code, response.body);
  return response.json();
}

function created(response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

async function member(app: App, program: string, points: number, extra: Record<string, unknown> = {}): Promise<string> {
  // An email on record: step-up keys are emailed.
  const id = await enrol(app, program, { email: 'member@example.jp', ...extra });
  if (points > 0) assert.equal((await adjust(app, id, points, `${id}-seed`)).statusCode, 201);
  return id;
}

const address = { postalCode: '100-0001', region: '東京都', locality: '千代田区', line1: '千代田1-1' };
const trusted = { 'x-pointbook-trusted-line': 'true' };

const footprintOf = statement('test.redemptionFootprint', `
  select (select count(*) from redemptions where member_id = $1) as redemptions,
         (select count(*) from redemption_refunds where member_id = $1) as refunds,
         (select count(*) from redemption_fulfilments where member_id = $1) as fulfilments,
         (select coalesce(jsonb_agg(jsonb_build_array(counter, used) order by counter), '[]') from redemption_counters where member_id = $1) as counters,
         (select coalesce(jsonb_agg(jsonb_build_array(id, used_at) order by id), '[]') from redemption_step_up_keys where member_id = $1) as step_up_keys,
         (select coalesce(jsonb_agg(jsonb_build_array(day, failures) order by day), '[]') from redemption_step_up_failures where member_id = $1) as failures,
         (select coalesce(jsonb_agg(jsonb_build_array(program_key, reward_id, taken) order by program_key, reward_id), '[]') from redemption_stock) as stock,
         (select count(*) from ledger_journal where member_id = $1) as journal,
         (select to_jsonb(a) from ledger_accounts a where member_id = $1) as account`);

async function footprint(db: Db, id: string): Promise<Record<string, unknown>> {
  const [row] = await db.query<Record<string, unknown>>(footprintOf, [id]);
  assert.ok(row);
  return row;
}

async function stepUpKey(app: App, id: string): Promise<string> {
  const response = created(await call(app, 'POST', `/v1/members/${id}/step-up-keys`));
  assert.match(response.key, /^\d{6}$/);
  return response.key;
}

async function stockLeft(app: App, program: string, reward: string): Promise<number | null> {
  const items: { id: string; stockLeft: number | null }[] = (await call(app, 'GET', `/v1/programs/${program}/rewards`)).json().items;
  const item = items.find((r) => r.id === reward);
  assert.ok(item, reward);
  return item.stockLeft;
}

describeRedemptionApi('redemption API', (ctx) => {
  it('FL-4: a bill credit is 1 pt = 1 yen, on the billing month and the member\'s contract, with the balance after', async () => {
    const externalId = uniqueExternalId('fl');
    const id = await member(ctx.app, 'flets-club', 6000, { externalId });
    const started = await call(ctx.app, 'POST', '/v1/programs/flets-club/events', {
      events: [{ id: `evt-${externalId}`, type: 'contract.started', member: { externalId }, occurredAt: '2026-03-01T00:00:00+09:00', data: { contractId: `C-${externalId}`, type: 'flets-hikari' } }],
    });
    assert.equal(started.statusCode, 200, started.body);
    const body = created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 3000 }));
    assert.match(body.id, /^rdm_/);
    assert.match(body.transactionId, /^txn_/);
    assert.deepEqual(
      { ...body, id: undefined, transactionId: undefined },
      {
        id: undefined,
        transactionId: undefined,
        kind: 'bill_credit',
        points: 3000,
        value: { amountMinor: 3000, currency: 'JPY' },
        refundedPoints: 0,
        billingMonth: '2026-04',
        contractId: `C-${externalId}`,
        rewardId: null,
        orderId: null,
        fulfilment: null,
        stepUp: 'not_required',
        createdAt: ctx.clock.now().toString(),
        balance: { available: 3000, pending: 0 },
      },
    );
    const [latest] = (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=1`)).json().items;
    assert.deepEqual([latest.id, latest.kind, latest.points, latest.reason], [body.transactionId, 'redeem', -3000, 'FL-4: bill credit for 2026-04']);
  });

  it('FL-3/FL-6: a catalog reward ships to the address given, else the registered one; its stock goes down', async () => {
    const id = await member(ctx.app, 'flets-club', 10_000, { postalAddress: address });
    const before = await stockLeft(ctx.app, 'flets-club', 'tumbler');
    const registered = created(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'tumbler' }, trusted));
    assert.deepEqual(
      [registered.points, registered.value, registered.rewardId, registered.stepUp, registered.fulfilment, registered.balance.available],
      [1500, { amountMinor: 1500, currency: 'JPY' }, 'tumbler', 'trusted_line', { status: 'requested', shippingAddress: address }, 8500],
    );
    const elsewhere = { postalCode: '530-0001', line1: '梅田1-1', line2: '3F' };
    const given = created(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'tumbler', shippingAddress: elsewhere }, trusted));
    assert.deepEqual(given.fulfilment, { status: 'requested', shippingAddress: elsewhere });
    assert.equal(await stockLeft(ctx.app, 'flets-club', 'tumbler'), (before ?? 0) - 2);
    const service = created(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'security-software-1y' }, trusted));
    assert.deepEqual(service.fulfilment, { status: 'requested', shippingAddress: null });
    assert.equal(await stockLeft(ctx.app, 'flets-club', 'security-software-1y'), null, 'unlimited');
    const listed = (await call(ctx.app, 'GET', `/v1/members/${id}/redemptions`)).json().items;
    assert.deepEqual(listed.map((r: { rewardId: string }) => r.rewardId), ['security-software-1y', 'tumbler', 'tumbler']);
    assert.deepEqual(listed[1].fulfilment.shippingAddress, elsewhere);
  });

  it('FL-6: a shipped reward needs an address; a reward that ships nothing takes none', async () => {
    const id = await member(ctx.app, 'flets-club', 5000);
    const fp = await footprint(ctx.db, id);
    refused(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'tumbler' }, trusted), 422, 'shipping_address_required');
    const none = refused(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'security-software-1y', shippingAddress: address }, trusted), 400, 'invalid_request');
    assert.match(String(none.detail), /body\.shippingAddress/);
    assert.deepEqual(await footprint(ctx.db, id), fp);
  });

  it('refuses kinds a program does not offer and rewards it does not have', async () => {
    const flets = await member(ctx.app, 'flets-club', 5000);
    const sony = await member(ctx.app, 'sony-rewards', 5000);
    const order = { orderId: 'O-x', orderTotal: { amountMinor: 1000, currency: 'JPY' } };
    const checkout = refused(await redeemCall(ctx.app, flets, { kind: 'checkout', points: 100, ...order }), 422, 'redemption_not_offered');
    assert.equal(checkout.kind, 'checkout');
    refused(await redeemCall(ctx.app, sony, { kind: 'bill_credit', points: 100 }), 422, 'redemption_not_offered');
    refused(await redeemCall(ctx.app, sony, { kind: 'catalog', rewardId: 'tumbler' }), 422, 'redemption_not_offered');
    refused(await call(ctx.app, 'POST', `/v1/members/${sony}/step-up-keys`), 422, 'redemption_not_offered');
    const unknown = refused(await redeemCall(ctx.app, flets, { kind: 'catalog', rewardId: 'gift-card' }, trusted), 422, 'unknown_reward');
    assert.equal(unknown.rewardId, 'gift-card');
    assert.equal((await call(ctx.app, 'GET', `/v1/members/${flets}/transactions`)).json().items.length, 1, 'only the seed credit');
  });

  it('FL-5: a catalog exchange off the registered line needs a step-up key, used once', async () => {
    const id = await member(ctx.app, 'flets-club', 10_000);
    const exchange = { kind: 'catalog', rewardId: 'security-software-1y' };
    assert.equal(refused(await redeemCall(ctx.app, id, exchange), 422, 'step_up_required').reason, 'missing');
    assert.equal(refused(await redeemCall(ctx.app, id, exchange, { 'x-pointbook-trusted-line': 'yes' }), 422, 'step_up_required').reason, 'missing');
    const key = await stepUpKey(ctx.app, id);
    const wrong = key === '000000' ? '000001' : '000000';
    assert.equal(refused(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: wrong }), 422, 'step_up_required').reason, 'wrong_key');
    const done = created(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: key }));
    assert.equal(done.stepUp, 'key');
    assert.equal(refused(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: key }), 422, 'step_up_required').reason, 'wrong_key');
    // FL-5: bill credit needs no step-up.
    assert.equal(created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 1 })).stepUp, 'not_required');
  });

  it('FL-5: a newer key revokes the older, a key lives 10 minutes, and only its hash is kept', async () => {
    const id = await member(ctx.app, 'flets-club', 10_000);
    const exchange = { kind: 'catalog', rewardId: 'security-software-1y' };
    const first = await stepUpKey(ctx.app, id);
    const second = await stepUpKey(ctx.app, id);
    if (first !== second) refused(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: first }), 422, 'step_up_required');
    created(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: second }));
    const late = await stepUpKey(ctx.app, id);
    ctx.clock.advance({ minutes: 10 });
    refused(await redeemCall(ctx.app, id, { ...exchange, stepUpKey: late }), 422, 'step_up_required');
    const rows = await ctx.db.query<Record<string, unknown>>(statement('test.stepUpKeys', 'select * from redemption_step_up_keys where member_id = $1'), [id]);
    assert.equal(rows.length, 3);
    for (const row of rows) {
      assert.match(String(row.key_hash), /^[0-9a-f]{64}$/);
      for (const key of [first, second, late]) assert.ok(!JSON.stringify(row).includes(`"${key}"`), 'no column holds a key');
    }
  });

  it('insufficient_points, over_limit and out_of_stock write nothing: no debit, no count, no stock, no key used', async () => {
    const id = await member(ctx.app, 'flets-club', 100, { postalAddress: address });
    const key = await stepUpKey(ctx.app, id);
    const fp = await footprint(ctx.db, id);
    const stock = await stockLeft(ctx.app, 'flets-club', 'tumbler');
    const poor = refused(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'tumbler', stepUpKey: key }), 422, 'insufficient_points');
    assert.deepEqual([poor.available, poor.requested], [100, 1500]);
    refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 200 }), 422, 'insufficient_points');
    refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 5001 }), 422, 'over_limit');
    assert.deepEqual(await footprint(ctx.db, id), fp);
    assert.equal(await stockLeft(ctx.app, 'flets-club', 'tumbler'), stock);
    // The key was given back with the refused redemption, so it still works.
    assert.equal((await adjust(ctx.app, id, 3000, `${id}-more`)).statusCode, 201);
    assert.equal(created(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'security-software-1y', stepUpKey: key }, {})).stepUp, 'key');
  });

  it('a retry with the same Idempotency-Key answers the first 201 byte for byte; another body with it is idempotency_key_reused', async () => {
    const id = await member(ctx.app, 'flets-club', 10_000, { postalAddress: address });
    const key = await stepUpKey(ctx.app, id);
    const request = { kind: 'catalog', rewardId: 'tumbler', stepUpKey: key };
    const headers = { 'idempotency-key': `${id}-once` };
    const first = created(await call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, request, headers));
    created(await redeemCall(ctx.app, id, { kind: 'catalog', rewardId: 'tumbler' }, trusted));
    // The key is used and the stock moved since; a retry (even with another step-up key) gets the first answer.
    const again = await call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, { ...request, stepUpKey: '123456' }, headers);
    assert.equal(again.statusCode, 201);
    assert.deepEqual(again.json(), first);
    assert.equal(again.body, JSON.stringify(first));
    refused(await call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, { kind: 'bill_credit', points: 5 }, headers), 422, 'idempotency_key_reused');
    assert.equal((await call(ctx.app, 'GET', `/v1/members/${id}/redemptions`)).json().items.length, 2);
  });

  it('concurrent submissions of one Idempotency-Key make one redemption', async () => {
    const id = await member(ctx.app, 'flets-club', 10_000);
    const headers = { 'idempotency-key': `${id}-same` };
    const responses = await Promise.all(Array.from({ length: 16 }, () => call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, { kind: 'bill_credit', points: 100 }, headers)));
    for (const r of responses) {
      assert.ok([201, 409].includes(r.statusCode), r.body);
      if (r.statusCode === 409) assert.equal(problemCode(r), 'idempotency_key_in_flight');
    }
    assert.equal(new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().id)).size, 1);
    assert.equal((await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json().available, 9900);
  });

  it('validates the body and names the field; writes nothing', async () => {
    const id = await member(ctx.app, 'flets-club', 1000);
    const sony = await member(ctx.app, 'sony-rewards', 1000);
    const noKey = await call(ctx.app, 'POST', `/v1/members/${id}/redemptions`, { kind: 'bill_credit', points: 5 });
    assert.match(String(refused(noKey, 400, 'invalid_request').detail), /idempotency-key/);
    const total = { amountMinor: 1000, currency: 'USD' };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [id, {}, /body\.kind/],
      [id, { kind: 'cash', points: 5 }, /kind/],
      [id, { kind: 'bill_credit' }, /body\.points: is required/],
      [id, { kind: 'bill_credit', points: 0 }, /points/],
      [id, { kind: 'bill_credit', points: 1.5 }, /points/],
      [id, { kind: 'bill_credit', points: '5' }, /points/],
      [id, { kind: 'bill_credit', points: 5, rewardId: 'tumbler' }, /body\.rewardId/],
      [id, { kind: 'bill_credit', points: 5, memberId: 'mbr_other' }, /memberId/],
      [id, { kind: 'catalog' }, /body\.rewardId: is required/],
      [id, { kind: 'catalog', rewardId: 'tumbler', points: 1500 }, /body\.points/],
      [id, { kind: 'catalog', rewardId: 'tumbler', stepUpKey: '12345' }, /stepUpKey/],
      [id, { kind: 'catalog', rewardId: 'tumbler', shippingAddress: { line1: 'x' } }, /postalCode/],
      [sony, { kind: 'checkout', points: 5, orderTotal: total }, /body\.orderId: is required/],
      [sony, { kind: 'checkout', points: 5, orderId: 'O-1' }, /body\.orderTotal: is required/],
      [sony, { kind: 'checkout', points: 5, orderId: 'O-1', orderTotal: { amountMinor: -1, currency: 'USD' } }, /amountMinor/],
      [sony, { kind: 'checkout', points: 5, orderId: 'O-1', orderTotal: total, shippingAddress: address }, /body\.shippingAddress/],
    ];
    for (const [who, body, field] of cases) {
      const response = await redeemCall(ctx.app, who, body);
      assert.match(String(refused(response, 400, 'invalid_request').detail), field, JSON.stringify(body));
    }
    for (const who of [id, sony]) assert.equal((await call(ctx.app, 'GET', `/v1/members/${who}/transactions`)).json().items.length, 1);
  });

  it('answers 404 for an unknown member, program or redemption', async () => {
    const unknown = 'mbr_00000000000000000000000000';
    refused(await redeemCall(ctx.app, unknown, { kind: 'bill_credit', points: 5 }), 404, 'not_found');
    refused(await call(ctx.app, 'GET', `/v1/members/${unknown}/redemptions`), 404, 'not_found');
    refused(await call(ctx.app, 'POST', `/v1/members/${unknown}/step-up-keys`), 404, 'not_found');
    refused(await refundCall(ctx.app, unknown, 'rdm_x', {}), 404, 'not_found');
    refused(await call(ctx.app, 'GET', '/v1/programs/no-such/rewards'), 404, 'unknown_program');
    const id = await member(ctx.app, 'sony-rewards', 0);
    refused(await refundCall(ctx.app, id, 'rdm_01jr7k3x5q9w8e2r4t6y8u0i1o', {}), 404, 'not_found');
  });

  it('pages through redemptions newest first', async () => {
    const id = await member(ctx.app, 'flets-club', 1000);
    for (let points = 1; points <= 5; points += 1) created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points }));
    const page = async (query: string) => (await call(ctx.app, 'GET', `/v1/members/${id}/redemptions${query}`)).json();
    const first = await page('?limit=2');
    assert.deepEqual(first.items.map((r: { points: number }) => r.points), [5, 4]);
    const second = await page(`?limit=2&cursor=${first.nextCursor}`);
    assert.deepEqual(second.items.map((r: { points: number }) => r.points), [3, 2]);
    const last = await page(`?limit=2&cursor=${second.nextCursor}`);
    assert.deepEqual([last.items.map((r: { points: number }) => r.points), last.nextCursor], [[1], null]);
    refused(await call(ctx.app, 'GET', `/v1/members/${id}/redemptions?cursor=bogus`), 400, 'invalid_request');
    refused(await call(ctx.app, 'GET', `/v1/members/${id}/redemptions?limit=201`), 400, 'invalid_request');
  });

  it('SR-5: 100 pt = $1 at checkout; points pay at most the order total, over all payments of the order', async () => {
    const id = await member(ctx.app, 'sony-rewards', 10_000);
    const order = { kind: 'checkout', orderId: 'SO-1', orderTotal: { amountMinor: 2000, currency: 'USD' } };
    const whole = refused(await redeemCall(ctx.app, id, { ...order, points: 2001 }), 422, 'over_limit');
    assert.deepEqual([whole.limit, whole.cap, whole.used, whole.orderId], ['order_total', 2000, 0, 'SO-1']);
    const paid = created(await redeemCall(ctx.app, id, { ...order, points: 1250 }));
    assert.deepEqual([paid.value, paid.orderId, paid.balance.available, paid.stepUp], [{ amountMinor: 1250, currency: 'USD' }, 'SO-1', 8750, 'not_required']);
    const more = refused(await redeemCall(ctx.app, id, { ...order, points: 751 }), 422, 'over_limit');
    assert.deepEqual([more.used, more.requested], [1250, 751]);
    created(await redeemCall(ctx.app, id, { ...order, points: 750 }));
    refused(await redeemCall(ctx.app, id, { ...order, points: 1 }), 422, 'over_limit');
    created(await redeemCall(ctx.app, id, { ...order, orderId: 'SO-2', points: 1 }));
    refused(await redeemCall(ctx.app, id, { ...order, orderId: 'SO-3', points: 5, orderTotal: { amountMinor: 500, currency: 'JPY' } }), 422, 'currency_mismatch');
    assert.equal((await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json().available, 7999);
  });

  it('SR-5: a cancelled or returned order refunds its points, in part or whole, never more', async () => {
    const id = await member(ctx.app, 'sony-rewards', 3000);
    const paid = created(await redeemCall(ctx.app, id, { kind: 'checkout', points: 1250, orderId: 'SO-R', orderTotal: { amountMinor: 5000, currency: 'USD' } }));
    const key = newKey();
    const part = created(await refundCall(ctx.app, id, paid.id, { points: 250 }, key));
    assert.match(part.id, /^rfd_/);
    assert.deepEqual(
      [part.redemptionId, part.points, part.value, part.refundedPoints, part.balance],
      [paid.id, 250, { amountMinor: 250, currency: 'USD' }, 250, { available: 2000, pending: 0 }],
    );
    const replay = await refundCall(ctx.app, id, paid.id, { points: 250 }, key);
    assert.equal(replay.body, JSON.stringify(part));
    refused(await refundCall(ctx.app, id, paid.id, { points: 100 }, key), 422, 'idempotency_key_reused');
    const over = refused(await refundCall(ctx.app, id, paid.id, { points: 1001 }), 422, 'exceeds_original');
    assert.deepEqual([over.remaining, over.requested], [1000, 1001]);
    const rest = created(await refundCall(ctx.app, id, paid.id));
    assert.deepEqual([rest.points, rest.refundedPoints, rest.balance.available], [1000, 1250, 3000]);
    refused(await refundCall(ctx.app, id, paid.id, {}), 422, 'exceeds_original');
    refused(await refundCall(ctx.app, id, paid.id, { points: 0 }), 400, 'invalid_request');
    const [listed] = (await call(ctx.app, 'GET', `/v1/members/${id}/redemptions`)).json().items;
    assert.equal(listed.refundedPoints, 1250);
    const history = (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=2`)).json().items;
    assert.deepEqual(history.map((t: { kind: string; points: number; reverses: string }) => [t.kind, t.points, t.reverses]), [
      ['refund', 1000, paid.transactionId],
      ['refund', 250, paid.transactionId],
    ]);
    const flets = await member(ctx.app, 'flets-club', 100);
    const credit = created(await redeemCall(ctx.app, flets, { kind: 'bill_credit', points: 100 }));
    assert.equal(refused(await refundCall(ctx.app, flets, credit.id, {}), 422, 'not_refundable').kind, 'bill_credit');
  });

  it('lab: steps, value by ratio, the program\'s own header and step-up on every kind', async () => {
    const id = await member(ctx.app, 'redeem-lab', 3000);
    const line = { 'x-lab-line': 'true' };
    refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 30 }, trusted), 422, 'step_up_required');
    const step = refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 31 }, line), 422, 'invalid_step');
    assert.deepEqual([step.step, step.requested], [30, 31]);
    const credit = created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 60 }, line));
    assert.deepEqual([credit.value, credit.stepUp], [{ amountMinor: 40, currency: 'JPY' }, 'trusted_line']);
    const cap = refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 270 }, line), 422, 'over_limit');
    assert.deepEqual([cap.limit, cap.cap, cap.used], ['monthly_cap', 300, 60]);
    const order = { kind: 'checkout', orderId: 'L-1', orderTotal: { amountMinor: 101, currency: 'JPY' } };
    refused(await redeemCall(ctx.app, id, { ...order, points: 4 }, line), 422, 'invalid_step');
    // 101 yen at 3 pt = 2 yen is 151.5 pt; in 3-pt steps, at most 150 pt (100 yen).
    assert.equal(refused(await redeemCall(ctx.app, id, { ...order, points: 153 }, line), 422, 'over_limit').cap, 150);
    const paid = created(await redeemCall(ctx.app, id, { ...order, points: 150 }, line));
    assert.deepEqual(paid.value, { amountMinor: 100, currency: 'JPY' });
    refused(await refundCall(ctx.app, id, paid.id, { points: 10 }), 422, 'invalid_step');
    assert.equal(created(await refundCall(ctx.app, id, paid.id, { points: 30 })).value.amountMinor, 20);
  });

  it('lab: stock of 1 is taken once; stock 0 is out of stock; both write nothing when refused', async () => {
    const a = await member(ctx.app, 'redeem-lab', 300, { postalAddress: address });
    const b = await member(ctx.app, 'redeem-lab', 300, { postalAddress: address });
    const line = { 'x-lab-line': 'true' };
    assert.equal(await stockLeft(ctx.app, 'redeem-lab', 'last-one'), 1);
    created(await redeemCall(ctx.app, a, { kind: 'catalog', rewardId: 'last-one' }, line));
    const fp = await footprint(ctx.db, b);
    assert.equal(refused(await redeemCall(ctx.app, b, { kind: 'catalog', rewardId: 'last-one' }, line), 422, 'out_of_stock').rewardId, 'last-one');
    refused(await redeemCall(ctx.app, b, { kind: 'catalog', rewardId: 'sold-out' }, line), 422, 'out_of_stock');
    assert.deepEqual(await footprint(ctx.db, b), fp);
    assert.equal(await stockLeft(ctx.app, 'redeem-lab', 'last-one'), 0);
    assert.equal(await stockLeft(ctx.app, 'redeem-lab', 'sold-out'), 0);
    assert.equal(await stockLeft(ctx.app, 'redeem-lab', 'ticket'), null);
  });

  it('lab: after 3 wrong keys in a day (program zone) no key is accepted until the next day; the failures are all it writes', async () => {
    const id = await member(ctx.app, 'redeem-lab', 3000);
    const ticket = { kind: 'catalog', rewardId: 'ticket' };
    const key = await stepUpKey(ctx.app, id);
    const wrong = key === '999999' ? '999998' : '999999';
    const before = await footprint(ctx.db, id);
    for (let i = 0; i < 3; i += 1) assert.equal(refused(await redeemCall(ctx.app, id, { ...ticket, stepUpKey: wrong }), 422, 'step_up_required').reason, 'wrong_key');
    assert.equal(refused(await redeemCall(ctx.app, id, { ...ticket, stepUpKey: key }), 422, 'step_up_required').reason, 'too_many_failures');
    const after = await footprint(ctx.db, id);
    const day = ctx.clock.now().toZonedDateTimeISO('Asia/Tokyo').toPlainDate().toString();
    assert.deepEqual(after, { ...before, failures: [[day, 3]] });
    // The next day in Tokyo: keys work again (a fresh one: the lab's keys live 5 minutes).
    const midnight = ctx.clock.now().toZonedDateTimeISO('Asia/Tokyo').toPlainDate().add({ days: 1 }).toZonedDateTime('Asia/Tokyo').toInstant();
    ctx.clock.set(midnight);
    const fresh = await stepUpKey(ctx.app, id);
    ctx.clock.advance({ minutes: 4, seconds: 59 });
    assert.equal(created(await redeemCall(ctx.app, id, { ...ticket, stepUpKey: fresh })).stepUp, 'key');
    const expired = await stepUpKey(ctx.app, id);
    ctx.clock.advance({ minutes: 5 });
    refused(await redeemCall(ctx.app, id, { ...ticket, stepUpKey: expired }), 422, 'step_up_required');
  });

  it('FL-4: at most 5,000 pt per billing month (program zone); the next month starts afresh', async () => {
    const id = await member(ctx.app, 'flets-club', 20_000);
    ctx.clock.set(Temporal.Instant.from('2026-06-01T00:00:00+09:00'));
    const whole = refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 5001 }), 422, 'over_limit');
    assert.deepEqual([whole.limit, whole.cap, whole.used, whole.billingMonth], ['monthly_cap', 5000, 0, '2026-06']);
    created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 3000 }));
    assert.equal(refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 2001 }), 422, 'over_limit').used, 3000);
    created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 2000 }));
    ctx.clock.set(Temporal.Instant.from('2026-06-30T23:59:59.999+09:00'));
    refused(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 1 }), 422, 'over_limit');
    // 2026-06-30T15:00Z is July in Tokyo, though still June in UTC.
    ctx.clock.set(Temporal.Instant.from('2026-06-30T15:00:00Z'));
    const july = created(await redeemCall(ctx.app, id, { kind: 'bill_credit', points: 5000 }));
    assert.deepEqual([july.billingMonth, july.balance.available], ['2026-07', 10_000]);
  });

  it('documents every redemption route in the OpenAPI document, with examples', async () => {
    const doc = (await call(ctx.app, 'GET', '/docs/json')).json();
    const routes: [string, string][] = [
      ['post', '/v1/members/{id}/redemptions'],
      ['get', '/v1/members/{id}/redemptions'],
      ['post', '/v1/members/{id}/redemptions/{redemptionId}/refunds'],
      ['post', '/v1/members/{id}/step-up-keys'],
      ['get', '/v1/programs/{program}/rewards'],
    ];
    for (const [method, path] of routes) {
      const operation = doc.paths[path]?.[method];
      assert.ok(operation, `${method} ${path} is documented`);
      assert.ok(operation.responses['401'], `${method} ${path} documents 401`);
      // @fastify/swagger moves a schema's `examples` to the media type (`example` when there is one).
      const hasExample = (media: { example?: unknown; examples?: unknown }) => media.example !== undefined || media.examples !== undefined;
      const success = operation.responses['201'] ?? operation.responses['200'];
      assert.ok(hasExample(success.content['application/json']), `${method} ${path} has a response example`);
      if (operation.requestBody) assert.ok(hasExample(operation.requestBody.content['application/json']), `${method} ${path} has a request example`);
    }
  });
});

describeRedemptionApi(
  'redemption API without the test clock',
  (ctx) => {
    it('FL-5: a step-up key never leaves a server without --test-clock', async () => {
      const id = await member(ctx.app, 'flets-club', 0);
      const response = created(await call(ctx.app, 'POST', `/v1/members/${id}/step-up-keys`));
      assert.deepEqual(Object.keys(response).sort(), ['expiresAt', 'id']);
    });
  },
  { testClock: false },
);
