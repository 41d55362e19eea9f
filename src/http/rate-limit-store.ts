import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { statement } from '../db/index.js';
import { assert } from '../errors.js';
import type { Quota } from '../config.js';

/**
 * One hit on each counter in one statement, in key order (two requests sharing two counters lock
 * them in the same order, so they cannot deadlock). A counter whose window has ended starts a new
 * one with this hit. Refused requests count too: a client that keeps knocking stays refused until
 * the window ends, and the count stays bounded (`least`) however long it knocks.
 */
const hit = statement('http.rateLimit.hit', `
  insert into http_rate_limits as r (key, window_ends_at, hits)
  select s.key, $2::timestamptz + make_interval(secs => s.seconds), 1
  from unnest($1::text[], $3::int[]) as s (key, seconds)
  order by s.key
  on conflict (key) do update set
    hits = case when r.window_ends_at <= $2::timestamptz then 1 else least(r.hits + 1, 1000000000) end,
    window_ends_at = case when r.window_ends_at <= $2::timestamptz then excluded.window_ends_at else r.window_ends_at end
  returning r.key, r.hits, r.window_ends_at`);

const prune = statement('http.rateLimit.prune', `delete from http_rate_limits where window_ends_at <= $1`);

export interface Counter {
  key: string;
  quota: Quota;
}

export interface Count {
  key: string;
  hits: number;
  windowEndsAt: Temporal.Instant;
}

// Ended windows are deleted now and then rather than by a job: a row is a few bytes and any
// process may do it, so one statement every ten minutes per process is plenty.
const PRUNE_EVERY_MS = 600_000;

/**
 * Counters in PostgreSQL (decision 60), committed at once and outside the request's transaction,
 * so every server process on the database counts against the same limit.
 */
export function createRateLimitStore(db: Db) {
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    async hit(counters: readonly Counter[], now: Temporal.Instant): Promise<Count[]> {
      if (now.epochMilliseconds - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = now.epochMilliseconds;
        await db.query(prune, [now.toString()]);
      }
      const rows = await db.query<{ key: string; hits: number; window_ends_at: Temporal.Instant }>(hit, [
        counters.map((c) => c.key),
        now.toString(),
        counters.map((c) => c.quota.windowSeconds),
      ]);
      assert(rows.length === counters.length, 'one count per counter');
      return rows.map((row) => ({ key: row.key, hits: row.hits, windowEndsAt: row.window_ends_at }));
    },
  };
}

export type RateLimitStore = ReturnType<typeof createRateLimitStore>;
