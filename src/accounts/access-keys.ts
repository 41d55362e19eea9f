import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { normaliseAccessKey } from '../members/index.js';
import { secretHash } from './secrets.js';
import * as sql from './sql.js';

/**
 * FL-1: the access key printed on a member's activation letter. 16 characters of Crockford's
 * base32 (80 bits; no I, L, O or U to misread), in groups of four. A new key replaces the old one.
 * Guessing is throttled per customer id like a log-in.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export async function issueAccessKey(q: Queryable, memberId: string, ctx: { now: Temporal.Instant; actor: string }): Promise<string> {
  const chars = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
  const key = chars.match(/.{4}/gu)!.join('-');
  await q.query(sql.upsertAccessKey, [memberId, secretHash(normaliseAccessKey(key)), ctx.now.toString(), ctx.actor]);
  return key;
}

export async function accessKeyMatches(q: Queryable, memberId: string, typed: string): Promise<boolean> {
  const [row] = await q.query<{ key_hash: string }>(sql.getAccessKey, [memberId]);
  const typedHash = Buffer.from(secretHash(normaliseAccessKey(typed)), 'hex');
  // Compared even when there is no key, against a hash nothing has, so timing says nothing.
  const stored = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex');
  return timingSafeEqual(typedHash, stored) && row !== undefined;
}
