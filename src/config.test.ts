import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRetention, readConfig } from './config.js';

describe('config: retention (decision 46)', () => {
  it('defaults to 90 days for email, 30 for webhooks and ended credentials', () => {
    assert.deepEqual(readConfig({}).retention, { sentEmailDays: 90, deliveredWebhookDays: 30, endedCredentialDays: 30 });
    assert.deepEqual(readConfig({}).retention, defaultRetention);
  });

  it('reads each from its variable', () => {
    const config = readConfig({
      POINTBOOK_RETENTION_SENT_EMAIL_DAYS: '400',
      POINTBOOK_RETENTION_DELIVERED_WEBHOOK_DAYS: '7',
      POINTBOOK_RETENTION_ENDED_CREDENTIAL_DAYS: '1',
    });
    assert.deepEqual(config.retention, { sentEmailDays: 400, deliveredWebhookDays: 7, endedCredentialDays: 1 });
    assert.ok(Object.isFrozen(config.retention));
  });

  for (const raw of ['0', '-1', '3651', '1.5', 'ninety']) {
    it(`refuses ${raw} days at start`, () => {
      assert.throws(() => readConfig({ POINTBOOK_RETENTION_SENT_EMAIL_DAYS: raw }), /POINTBOOK_RETENTION_SENT_EMAIL_DAYS must be/);
    });
  }
});
