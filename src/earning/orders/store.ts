import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../../db/index.js';
import type { OrderLineState } from './lines.js';

export interface OrderCredit {
  transactionId: string;
  points: number;
  reversed: number;
}

export interface OrderRecord {
  orderId: string;
  placedAt: Temporal.Instant;
  currency: string;
  lines: OrderLineState[];
  points: number;
  holdTransaction: string | null;
  pending: number;
  credits: OrderCredit[];
  status: 'placed' | 'shipped' | 'cancelled' | 'returned';
}

const insert = statement('orders.insert', `
  insert into member_orders (member_id, order_id, placed_at, currency, lines, points, hold_transaction, pending, credits, status, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`);
const select = statement('orders.get', `
  select order_id, placed_at, currency, lines, points, hold_transaction, pending, credits, status
  from member_orders where member_id = $1 and order_id = $2 for update`);
const update = statement('orders.update', `
  update member_orders set lines = $3, pending = $4, credits = $5, status = $6, updated_at = $7
  where member_id = $1 and order_id = $2`);

interface Row {
  order_id: string;
  placed_at: Temporal.Instant;
  currency: string;
  /** `amountMinor` is absent on orders stored before SR-5 refunds from events. */
  lines: (Omit<OrderLineState, 'amountMinor'> & { amountMinor?: number })[];
  points: number;
  hold_transaction: string | null;
  pending: number;
  credits: OrderCredit[];
  status: OrderRecord['status'];
}

/** The order, locked for the rest of the transaction (the member's events are applied in order). */
export async function getOrderForUpdate(db: Queryable, memberId: string, orderId: string): Promise<OrderRecord | undefined> {
  const [row] = await db.query<Row>(select, [memberId, orderId]);
  return (
    row && {
      orderId: row.order_id,
      placedAt: row.placed_at,
      currency: row.currency,
      lines: row.lines.map((line) => ({ ...line, amountMinor: line.amountMinor ?? 0 })),
      points: row.points,
      holdTransaction: row.hold_transaction,
      pending: row.pending,
      credits: row.credits,
      status: row.status,
    }
  );
}

export async function insertOrder(db: Queryable, memberId: string, order: OrderRecord, now: Temporal.Instant): Promise<void> {
  await db.query(insert, [
    memberId,
    order.orderId,
    order.placedAt.toString(),
    order.currency,
    JSON.stringify(order.lines),
    order.points,
    order.holdTransaction,
    order.pending,
    JSON.stringify(order.credits),
    order.status,
    now.toString(),
  ]);
}

export async function saveOrder(db: Queryable, memberId: string, order: OrderRecord, now: Temporal.Instant): Promise<void> {
  await db.query(update, [memberId, order.orderId, JSON.stringify(order.lines), order.pending, JSON.stringify(order.credits), order.status, now.toString()]);
}
