import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.js';
import { statement } from '../db/index.js';
import { refusal } from '../errors.js';

const claim = statement('http.idempotency.lock', `select pg_try_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0)) as locked`);
const find = statement('http.idempotency.find', `
  select request_hash, status, body from http_idempotency_keys where scope = $1 and key = $2`);
const save = statement('http.idempotency.save', `
  insert into http_idempotency_keys (scope, key, request_hash, status, body, created_at) values ($1, $2, $3, $4, $5, $6)`);

export interface Stored {
  status: number;
  body: unknown;
}

export function hashRequest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('base64url');
}

/**
 * Runs `change` once per (scope, key), in one transaction with the record of its response, so a
 * replay gets the stored response and a crash leaves neither. A key held by a transaction still
 * running is `idempotency_key_in_flight`; a key reused for another body, `idempotency_key_reused`.
 * Without a key, `change` simply runs in a transaction.
 */
export async function once(
  db: Db,
  request: { scope: string; key: string | undefined; body: unknown; at: string },
  change: (tx: Queryable) => Promise<Stored>,
): Promise<Stored> {
  const { key } = request;
  if (key === undefined) return db.transaction(change);
  const hash = hashRequest(request.body);
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ locked: boolean }>(claim, [request.scope, key]);
    if (!lock?.locked) throw refusal('idempotency_key_in_flight');
    const [stored] = await tx.query<{ request_hash: string; status: number; body: unknown }>(find, [request.scope, key]);
    if (stored) {
      if (stored.request_hash !== hash) throw refusal('idempotency_key_reused');
      return { status: stored.status, body: stored.body };
    }
    const result = await change(tx);
    await tx.query(save, [request.scope, key, hash, result.status, JSON.stringify(result.body), request.at]);
    return result;
  });
}
