import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeApi } from '../support/api.js';
import { endpoints, footprintOf, idempotentOperations, send, withChange } from './idempotency-endpoints.js';

/**
 * RELIABILITY.md B2 on every endpoint that takes an Idempotency-Key (the list comes from the
 * OpenAPI document): a replay answers the first response byte for byte and does nothing again;
 * the same key with any one field changed is 422 idempotency_key_reused and writes nothing.
 * B1, 32 clients at once, is idempotency.concurrency.test.ts.
 */

// Money moves here; each must take a key so a retry after a lost answer cannot pay twice.
const moneyLike = [
  'POST /v1/members/{id}/adjustments',
  'POST /v1/members/{id}/redemptions',
  'POST /v1/members/{id}/redemptions/{redemptionId}/refunds',
  'POST /v1/campaigns/{campaign}/applications',
];

describeApi('Idempotency-Key on every endpoint that takes one (B2)', (ctx) => {
  it('has a row for each such endpoint of the OpenAPI document, and every money-like endpoint is one', async () => {
    const operations = await idempotentOperations(ctx.app);
    assert.deepEqual(Object.keys(endpoints).sort(), operations);
    for (const operation of moneyLike) assert.ok(operations.includes(operation), `${operation} takes an Idempotency-Key`);
  });

  for (const [operation, setup] of Object.entries(endpoints)) {
    it(`${operation}: a replay is byte-identical and does nothing again; any field changed is idempotency_key_reused and writes nothing`, async () => {
      const c = await setup(ctx);
      const key = `b2-${operation.replace(/[^\x21-\x7e]/g, '_')}`;
      const first = await send(ctx.app, c, key);
      assert.ok(first.statusCode >= 200 && first.statusCode < 300, `${first.statusCode} ${first.body}`);
      assert.equal(await c.effects(), 1);
      const replay = await send(ctx.app, c, key);
      assert.equal(replay.statusCode, first.statusCode);
      assert.equal(replay.body, first.body, 'the replay is byte-identical');
      assert.equal(replay.headers['content-type'], first.headers['content-type']);
      const [before] = await ctx.db.query(footprintOf);
      for (const [what, change] of Object.entries(c.changed)) {
        const reused = await send(ctx.app, c, key, withChange(c.body, change));
        assert.equal(reused.statusCode, 422, `${what} changed: ${reused.body}`);
        assert.equal(reused.json<{ code: string }>().code, 'idempotency_key_reused', what);
      }
      assert.deepEqual((await ctx.db.query(footprintOf))[0], before, 'the refused requests wrote nothing');
      assert.equal(await c.effects(), 1);
      // The key still answers the first response after the refusals.
      assert.equal((await send(ctx.app, c, key)).body, first.body);
    });
  }
});
