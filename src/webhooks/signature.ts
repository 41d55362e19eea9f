import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'Pointbook-Signature';
export const eventIdHeader = 'Pointbook-Event-Id';

/** A subscription's signing secret: `whsec_` and 256 random bits, shown once when it is created. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `Pointbook-Signature` value, as Stripe signs: `t=<unix seconds>,v1=<hex HMAC-SHA256>` of
 * `"<t>.<body>"`, keyed by the whole secret (`whsec_…`, as UTF-8). The timestamp is inside the
 * signed text, so a receiver that refuses old timestamps also refuses replayed requests. Pure.
 */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, unixSeconds, body)}`;
}

/**
 * What a receiver does (and the tests do): true when one `v1` of the header is the HMAC of this
 * body at the header's `t`, and `t` is within `toleranceSeconds` of `nowSeconds`. Constant-time.
 */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isSafeInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value ?? '', 'hex'), expected));
}

function hmac(secret: string, unixSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
}
