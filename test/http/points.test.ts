import assert from 'node:assert/strict';
import { it } from 'node:test';
import { adjust, call, describeApi, enrol, problemCode } from '../support/api.js';

describeApi('points API', (ctx) => {
  const balanceOf = async (id: string, query = '') => (await call(ctx.app, 'GET', `/v1/members/${id}/balance${query}`)).json();
  const countTransactions = async (id: string) => (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=200`)).json().items.length;

  it('credits with the program expiry and debits earliest expiry first', async () => {
    const id = await enrol(ctx.app);
    const credit = await adjust(ctx.app, id, 500, `${id}-1`);
    assert.equal(credit.statusCode, 201, credit.body);
    assert.match(credit.json().transactionId, /^txn_/);
    assert.deepEqual(credit.json().balance, { available: 500, pending: 0 });
    // FL-8: earned on 2026-04-01 JST (fiscal 2026) → expires at the end of fiscal 2028.
    assert.deepEqual((await balanceOf(id)).expiring, [{ points: 500, expiresAt: '2029-03-31T15:00:00Z' }]);

    await adjust(ctx.app, id, 200, `${id}-2`, { expiresAt: '2026-12-31T15:00:00Z' });
    const debit = await adjust(ctx.app, id, -300, `${id}-3`);
    assert.equal(debit.statusCode, 201, debit.body);
    assert.deepEqual(debit.json().balance, { available: 400, pending: 0 });
    assert.deepEqual((await balanceOf(id)).expiring, [{ points: 400, expiresAt: '2029-03-31T15:00:00Z' }]);
  });

  it('never overdraws and writes nothing when refused', async () => {
    const id = await enrol(ctx.app);
    await adjust(ctx.app, id, 100, `${id}-1`);
    const refused = await adjust(ctx.app, id, -101, `${id}-2`);
    assert.equal(refused.statusCode, 422);
    assert.equal(problemCode(refused), 'insufficient_points');
    assert.equal(refused.json().available, 100);
    assert.equal(refused.json().requested, 101);
    assert.equal((await balanceOf(id)).available, 100);
    assert.equal(await countTransactions(id), 1);
  });

  it('replays a retried adjustment byte for byte, and refuses the key for another body', async () => {
    const id = await enrol(ctx.app);
    const first = await adjust(ctx.app, id, 70, `${id}-k`);
    await adjust(ctx.app, id, 5, `${id}-other`);
    const again = await adjust(ctx.app, id, 70, `${id}-k`);
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body);
    const reused = await adjust(ctx.app, id, 70, `${id}-k`, { reason: 'different' });
    assert.equal(reused.statusCode, 422);
    assert.equal(problemCode(reused), 'idempotency_key_reused');
    assert.equal((await balanceOf(id)).available, 75);
  });

  it('requires an Idempotency-Key and valid amounts', async () => {
    const id = await enrol(ctx.app);
    const noKey = await call(ctx.app, 'POST', `/v1/members/${id}/adjustments`, { points: 5, reason: 'x' });
    assert.equal(noKey.statusCode, 400);
    assert.match(noKey.json().detail, /idempotency-key/);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ points: 0, reason: 'x' }, /points/],
      [{ points: 1.5, reason: 'x' }, /points/],
      [{ points: '5', reason: 'x' }, /points/],
      [{ points: 5 }, /reason/],
      [{ points: 5, reason: '' }, /reason/],
      [{ points: -5, reason: 'x', expiresAt: '2030-01-01T00:00:00Z' }, /expiresAt/],
      [{ points: 5, reason: 'x', expiresAt: 'soon' }, /expiresAt/],
      [{ points: 5, reason: 'x', memberId: 'mbr_other' }, /memberId/],
    ];
    for (const [body, field] of cases) {
      const response = await call(ctx.app, 'POST', `/v1/members/${id}/adjustments`, body, { 'idempotency-key': `${id}-${JSON.stringify(body)}` });
      assert.equal(response.statusCode, 400, `${JSON.stringify(body)} → ${response.body}`);
      assert.equal(problemCode(response), 'invalid_request');
      assert.match(response.json().detail, field);
    }
    const past = await adjust(ctx.app, id, 5, `${id}-past`, { expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal(past.statusCode, 422);
    assert.equal(problemCode(past), 'invalid_expiry');
    assert.equal(await countTransactions(id), 0);
  });

  it('projects the balance to a later instant and refuses a past one', async () => {
    const id = await enrol(ctx.app);
    await adjust(ctx.app, id, 40, `${id}-1`, { expiresAt: '2026-06-30T15:00:00Z' });
    await adjust(ctx.app, id, 60, `${id}-2`, { expiresAt: '2026-09-30T15:00:00Z' });
    assert.deepEqual(await balanceOf(id), {
      available: 100,
      pending: 0,
      expiring: [
        { points: 40, expiresAt: '2026-06-30T15:00:00Z' },
        { points: 60, expiresAt: '2026-09-30T15:00:00Z' },
      ],
    });
    const july = await balanceOf(id, '?asOf=2026-07-01T00:00:00%2B09:00');
    assert.equal(july.available, 60);
    assert.deepEqual(july.expiring, [{ points: 60, expiresAt: '2026-09-30T15:00:00Z' }]);
    const past = await call(ctx.app, 'GET', `/v1/members/${id}/balance?asOf=2020-01-01T00:00:00Z`);
    assert.equal(past.statusCode, 400);
    assert.equal(problemCode(past), 'invalid_request');
  });

  it('pages through transactions newest first, each saying why', async () => {
    const id = await enrol(ctx.app);
    for (let i = 1; i <= 5; i += 1) await adjust(ctx.app, id, i, `${id}-${i}`, { reason: `gift ${i}` });
    const first = (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=2`)).json();
    assert.deepEqual(first.items.map((t: { points: number }) => t.points), [5, 4]);
    assert.equal(first.items[0].kind, 'adjustment');
    assert.equal(first.items[0].reason, 'gift 5');
    assert.equal(first.items[0].balanceAfter, 15);
    assert.equal(first.items[0].time, ctx.clock.now().toString());
    const second = (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=2&cursor=${first.nextCursor}`)).json();
    assert.deepEqual(second.items.map((t: { points: number }) => t.points), [3, 2]);
    const last = (await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=2&cursor=${second.nextCursor}`)).json();
    assert.deepEqual(last.items.map((t: { points: number }) => t.points), [1]);
    assert.equal(last.nextCursor, null);
    const bad = await call(ctx.app, 'GET', `/v1/members/${id}/transactions?cursor=bogus`);
    assert.equal(bad.statusCode, 400);
    const tooMany = await call(ctx.app, 'GET', `/v1/members/${id}/transactions?limit=201`);
    assert.equal(tooMany.statusCode, 400);
  });

  it('answers 404 on every points endpoint for an unknown member', async () => {
    const unknown = 'mbr_00000000000000000000000000';
    for (const [method, url] of [
      ['GET', `/v1/members/${unknown}/balance`],
      ['GET', `/v1/members/${unknown}/transactions`],
    ] as const) {
      const response = await call(ctx.app, method, url);
      assert.equal(response.statusCode, 404, url);
      assert.equal(problemCode(response), 'not_found');
    }
    const adjustment = await adjust(ctx.app, unknown, 5, 'k');
    assert.equal(adjustment.statusCode, 404);
  });

  it('answers concurrent retries of one key with one posting', async () => {
    const id = await enrol(ctx.app);
    const responses = await Promise.all(Array.from({ length: 16 }, () => adjust(ctx.app, id, 10, `${id}-same`)));
    for (const response of responses) {
      assert.ok([201, 409].includes(response.statusCode), response.body);
      if (response.statusCode === 409) assert.equal(problemCode(response), 'idempotency_key_in_flight');
    }
    const ids = new Set(responses.filter((r) => r.statusCode === 201).map((r) => r.json().transactionId));
    assert.equal(ids.size, 1);
    assert.equal((await balanceOf(id)).available, 10);
  });
});
