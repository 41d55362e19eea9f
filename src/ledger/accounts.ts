import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

/** Opens the member's account (idempotent). Call it in the transaction that creates the member. */
export async function openAccount(db: Queryable, memberId: string, programKey: string, now: Temporal.Instant): Promise<void> {
  await db.query(sql.openAccount, [memberId, programKey, now.toString()]);
}
