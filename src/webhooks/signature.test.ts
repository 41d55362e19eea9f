import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { newSigningSecret, signPayload, verifySignature } from './signature.js';

const secret = 'whsec_test-secret';
const body = '{"id":"evt_1","type":"points.credited"}';
const t = 1_775_000_000;

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 keyed by the whole secret, as Stripe does', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(signPayload(secret, body, t), `t=${t},v1=${expected}`);
  });

  const cases: { name: string; header: string; secret?: string; body?: string; now?: number; ok: boolean }[] = [
    { name: 'its own signature', header: signPayload(secret, body, t), ok: true },
    { name: 'within the tolerance', header: signPayload(secret, body, t), now: t + 300, ok: true },
    { name: 'too old', header: signPayload(secret, body, t), now: t + 301, ok: false },
    { name: 'from the future', header: signPayload(secret, body, t), now: t - 301, ok: false },
    { name: 'another body', header: signPayload(secret, body, t), body: `${body} `, ok: false },
    { name: 'another secret', header: signPayload(secret, body, t), secret: `${secret}x`, ok: false },
    { name: 'a moved timestamp', header: signPayload(secret, body, t).replace(`t=${t}`, `t=${t + 1}`), ok: false },
    { name: 'one good v1 among others (secret rotation)', header: `t=${t},v1=${'0'.repeat(64)},${signPayload(secret, body, t).split(',')[1]}`, ok: true },
    { name: 'no v1', header: `t=${t}`, ok: false },
    { name: 'a short v1', header: `t=${t},v1=abcd`, ok: false },
    { name: 'garbage', header: 'nonsense', ok: false },
  ];
  for (const c of cases) {
    it(`verifies ${c.name}: ${c.ok}`, () => {
      assert.equal(verifySignature(c.secret ?? secret, c.body ?? body, c.header, c.now ?? t), c.ok);
    });
  }

  it('makes secrets of 256 random bits', () => {
    const a = newSigningSecret();
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newSigningSecret());
  });
});
