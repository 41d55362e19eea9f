import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertIdsOnly, isWebhookEventType, webhookEventTypes } from './events.js';

describe('webhook events', () => {
  it('has one catalogue of unique types', () => {
    assert.equal(new Set(webhookEventTypes).size, webhookEventTypes.length);
    assert.ok(isWebhookEventType('points.credited'));
    assert.ok(!isWebhookEventType('points.spent'));
  });

  it('lets ids and amounts through', () => {
    assertIdsOnly({ memberId: 'mbr_1', points: 5, balance: { available: 5, pending: 0 }, tags: ['a', null, true] });
  });

  for (const [name, data] of [
    ['a name', { memberId: 'mbr_1', name: 'Hanako' }],
    ['an email, nested', { member: { Email: 'h@example.jp' } }],
    ['a postal address in a list', { items: [{ postalAddress: {} }] }],
    ['a number that is not finite', { points: Number.NaN }],
    ['something that is not JSON', { at: () => 1 }],
  ] as const) {
    it(`refuses ${name} (a fault)`, () => assert.throws(() => assertIdsOnly(data), /assertion failed/));
  }
});
