import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeApi } from '../support/api.js';
import { endpoints, idempotentOperations, send } from './idempotency-endpoints.js';

/**
 * RELIABILITY.md B1 on every endpoint that takes an Idempotency-Key: one key sent by 32 clients at
 * once has one effect; every other client gets the stored response byte for byte or 409
 * idempotency_key_in_flight (retryable), and a retry after that gets the stored response. On
 * PostgreSQL the requests run on up to 32 connections at once; PGlite has one connection.
 */
const CLIENTS = 32;

describeApi('Idempotency-Key sent by 32 clients at once (B1)', (ctx) => {
  it('covers every endpoint of the OpenAPI document that takes the header', async () => {
    assert.deepEqual(Object.keys(endpoints).sort(), await idempotentOperations(ctx.app));
  });

  for (const [operation, setup] of Object.entries(endpoints)) {
    it(`${operation}: one effect; the others the stored response or idempotency_key_in_flight`, async () => {
      const c = await setup(ctx);
      const key = `b1-${operation.replace(/[^\x21-\x7e]/g, '_')}`;
      const answers = await Promise.all(Array.from({ length: CLIENTS }, () => send(ctx.app, c, key)));
      assert.equal(await c.effects(), 1, 'one effect');
      const done = answers.filter((a) => a.statusCode !== 409);
      const inFlight = answers.filter((a) => a.statusCode === 409);
      assert.ok(done.length >= 1, 'at least one client got the answer');
      const [first] = done;
      assert.ok(first && first.statusCode >= 200 && first.statusCode < 300, first?.body);
      for (const answer of done) assert.equal(`${answer.statusCode} ${answer.body}`, `${first.statusCode} ${first.body}`, 'byte-identical');
      for (const answer of inFlight) assert.equal(answer.json<{ code: string }>().code, 'idempotency_key_in_flight');
      // The clients told to retry get the stored response.
      const retried = await send(ctx.app, c, key);
      assert.equal(`${retried.statusCode} ${retried.body}`, `${first.statusCode} ${first.body}`);
      console.log(`${ctx.backend} ${operation}: ${done.length} answered, ${inFlight.length} in flight`);
    });
  }
});
