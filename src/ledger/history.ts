import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

export interface LedgerTransaction {
  id: string;
  op: string;
  kind: string;
  /** Net change to the member's available points (negative for debits and expiry). */
  points: number;
  /** Net change to the member's pending points. */
  pendingPoints: number;
  availableAfter: number;
  pendingAfter: number;
  /** The magnitude of the operation (for a hold: the points held). */
  amount: number;
  reverses: string | null;
  occurredAt: Temporal.Instant;
  recordedAt: Temporal.Instant;
  reason: string | null;
  actor: string;
  metadata: Record<string, unknown> | null;
}

interface Row {
  id: string;
  op: string;
  kind: string;
  available_delta: number;
  pending_delta: number;
  available_after: number;
  pending_after: number;
  points: number;
  reverses_id: string | null;
  occurred_at: Temporal.Instant;
  recorded_at: Temporal.Instant;
  reason: string | null;
  actor: string;
  metadata: Record<string, unknown> | null;
}

function toTransaction(row: Row): LedgerTransaction {
  return {
    id: row.id,
    op: row.op,
    kind: row.kind,
    points: row.available_delta,
    pendingPoints: row.pending_delta,
    availableAfter: row.available_after,
    pendingAfter: row.pending_after,
    amount: row.points,
    reverses: row.reverses_id,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    reason: row.reason,
    actor: row.actor,
    metadata: row.metadata,
  };
}

/** Newest first. `before` is the id of the last transaction of the previous page (keyset pagination). */
export async function listTransactions(
  db: Queryable,
  memberId: string,
  page: { limit: number; before?: string | undefined },
): Promise<LedgerTransaction[]> {
  const rows = await db.query<Row>(sql.transactions, [memberId, page.before ?? null, page.limit]);
  return rows.map(toTransaction);
}

export async function getTransaction(db: Queryable, memberId: string, id: string): Promise<LedgerTransaction | undefined> {
  const [row] = await db.query<Row>(sql.transaction, [memberId, id]);
  return row && toTransaction(row);
}
