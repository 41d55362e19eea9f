import { statement, type Queryable } from '../db/index.js';

/** What billing says a member was charged per billing month (`bill.issued`), for rules such as SU-10. */

const upsert = statement('earning.upsertBill', `
  insert into member_bills (member_id, billing_month, amount_minor, currency, received_at) values ($1, $2, $3, $4, $5)
  on conflict (member_id, billing_month) do update set amount_minor = excluded.amount_minor, currency = excluded.currency,
    received_at = excluded.received_at`);
const get = statement('earning.getBill', `select amount_minor, currency from member_bills where member_id = $1 and billing_month = $2`);

export interface Bill {
  amountMinor: number;
  currency: string;
}

/** A corrected bill replaces the month's earlier one. */
export async function recordBill(q: Queryable, memberId: string, month: string, total: { amount: number; currency: string }, receivedAt: string): Promise<void> {
  await q.query(upsert, [memberId, month, total.amount, total.currency, receivedAt]);
}

/** The month's bill, or undefined when billing sent none. */
export async function billFor(q: Queryable, memberId: string, month: string): Promise<Bill | undefined> {
  const [row] = await q.query<{ amount_minor: number; currency: string }>(get, [memberId, month]);
  return row && { amountMinor: row.amount_minor, currency: row.currency };
}
