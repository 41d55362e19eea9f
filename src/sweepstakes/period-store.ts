import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import type { SweepstakesDefinition } from './definition.js';
import { commitmentOf } from './ranking.js';
import * as sql from './sql.js';

export interface OpenedPeriod {
  period: string;
  /** hex(SHA-256(seed)): public from the period's opening. */
  commitment: string;
  openedAt: Temporal.Instant;
  /** Secret until the draw. */
  seed: string;
  /** Signs the period's personal entry links (SU-5); never leaves the server. */
  linkKey: string;
}

/**
 * The period's row, made on first use: when it opens (the daily job) or at its first entry or
 * draw, whichever comes first. Concurrent first uses agree on one seed: the insert does nothing
 * when a row exists, and everyone reads the row that won.
 */
export async function openedPeriod(q: Queryable, definition: Pick<SweepstakesDefinition, 'key' | 'program'>, period: string, now: Temporal.Instant): Promise<OpenedPeriod> {
  const existing = await readPeriod(q, definition.key, period);
  if (existing) return existing;
  const seed = randomBytes(32).toString('hex');
  const linkKey = randomBytes(32).toString('hex');
  await q.query(sql.openPeriod, [definition.key, period, definition.program, seed, commitmentOf(seed), linkKey, now.toString()]);
  const opened = await readPeriod(q, definition.key, period);
  assert(opened, 'a period exists once opened');
  return opened;
}

export async function readPeriod(q: Queryable, key: string, period: string): Promise<OpenedPeriod | undefined> {
  const [row] = await q.query<sql.PeriodRow>(sql.getPeriod, [key, period]);
  return row && { period: row.period, commitment: row.commitment, openedAt: row.opened_at, seed: row.seed, linkKey: row.link_key };
}
