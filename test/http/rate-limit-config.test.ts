import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRateLimits, readConfig } from '../../src/config.js';
import { clientNetwork as addressOf } from '../../src/client-network.js';

describe('G4 rate limits are deployment configuration', () => {
  it('defaults every flow, and reads POINTBOOK_RATE_LIMIT_<FLOW>_<SCOPE> as requests per window or off', () => {
    assert.deepEqual(readConfig({}).rateLimits, defaultRateLimits);
    const limits = readConfig({ POINTBOOK_RATE_LIMIT_REDEMPTION_MEMBER: '5/10m', POINTBOOK_RATE_LIMIT_ENTRY_IP: 'off', POINTBOOK_RATE_LIMIT_LOGIN_MEMBER: '30/1d' }).rateLimits;
    assert.deepEqual(limits.redemption, { member: { limit: 5, windowSeconds: 600 }, ip: defaultRateLimits.redemption.ip });
    assert.deepEqual(limits.entry, { member: defaultRateLimits.entry.member, ip: null });
    assert.deepEqual(limits.login.member, { limit: 30, windowSeconds: 86_400 });
  });

  for (const bad of ['20', '0/1h', '20/0s', '20/1w', '20/31d', 'twenty/1h', '-1/1h']) {
    it(`refuses "${bad}" at start, naming the variable`, () => {
      assert.throws(() => readConfig({ POINTBOOK_RATE_LIMIT_DEFAULT_IP: bad }), /POINTBOOK_RATE_LIMIT_DEFAULT_IP must be <requests>\/<window>/);
    });
  }

  it('counts an IPv6 client by its /64 and an IPv4 client by its address', () => {
    assert.equal(addressOf('2001:db8:abcd:12:1::7'), '2001:db8:abcd:12::/64');
    assert.equal(addressOf('2001:0db8:abcd:0012:ffff:ffff:ffff:ffff'), '2001:db8:abcd:12::/64');
    assert.equal(addressOf('::1'), '0:0:0:0::/64');
    assert.equal(addressOf('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
    assert.equal(addressOf('192.0.2.1'), '192.0.2.1');
  });
});
