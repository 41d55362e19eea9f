import assert from 'node:assert/strict';
import { it } from 'node:test';
import { adjust, call, describeApi, enrol, problemCode } from '../support/api.js';

describeApi('test clock', (ctx) => {
  it('moves every rule: points expire when the clock passes their expiry', async () => {
    const id = await enrol(ctx.app);
    await adjust(ctx.app, id, 30, `${id}-1`, { expiresAt: '2026-05-01T00:00:00+09:00' });
    const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2026-05-01T00:00:00+09:00' });
    assert.equal(moved.statusCode, 200);
    assert.equal(moved.json().now, '2026-04-30T15:00:00Z');
    assert.equal((await call(ctx.app, 'GET', '/v1/test-clock')).json().now, '2026-04-30T15:00:00Z');
    const balance = (await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json();
    assert.equal(balance.available, 0);
    const spend = await adjust(ctx.app, id, -1, `${id}-2`);
    assert.equal(problemCode(spend), 'insufficient_points', 'an expired point is never spent');
  });

  it('only moves forward', async () => {
    const back = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2001-01-01T00:00:00Z' });
    assert.equal(back.statusCode, 422);
    assert.equal(problemCode(back), 'clock_moved_backwards');
  });
});

describeApi(
  'without --test-clock',
  (ctx) => {
    it('has no test clock endpoint', async () => {
      const response = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2030-01-01T00:00:00Z' });
      assert.equal(response.statusCode, 404);
      assert.equal(problemCode(response), 'test_clock_disabled');
    });
  },
  { testClock: false },
);

describeApi(
  'test clock across a fiscal year end',
  (ctx) => {
    it('replays an adjustment whose policy expiry has moved on since (a retry after the fiscal year ended)', async () => {
      const id = await enrol(ctx.app);
      const key = `${id}-policy-expiry`;
      const first = await adjust(ctx.app, id, 7, key);
      assert.equal(first.statusCode, 201);
      const { expiring } = (await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json();
      assert.equal(expiring.length, 1, 'FL-8 gives adjustments an expiry, which changes when the fiscal year does');
      await call(ctx.app, 'POST', '/v1/test-clock', { now: '2027-04-01T00:30:00+09:00' });
      const retry = await adjust(ctx.app, id, 7, key);
      assert.equal(retry.statusCode, 201, `${retry.body}`);
      assert.equal(retry.json().transactionId, first.json().transactionId);
      const changed = await adjust(ctx.app, id, 8, key);
      assert.equal(problemCode(changed), 'idempotency_key_reused', 'what the operator asked for is still fingerprinted');
    });
  },
  { start: '2027-03-31T23:00:00+09:00' },
);
