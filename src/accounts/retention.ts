import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

/**
 * Deletes up to `limit` sessions (`sessions`) or emailed sign-up and reset links (`links`) that
 * ended — expired, revoked or used — before `before`. They can let nobody in any more, and a
 * session keeps the address it came from. Returns how many went; fewer than `limit`: none is left.
 */
export async function deleteEndedCredentials(q: Queryable, kind: 'sessions' | 'links', before: Temporal.Instant, limit: number): Promise<number> {
  const statement = kind === 'sessions' ? sql.deleteEndedSessions : sql.deleteEndedEmailTokens;
  const [row] = await q.query<{ n: number }>(statement, [before.toString(), limit]);
  return row?.n ?? 0;
}
