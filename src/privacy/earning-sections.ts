import type { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { Instant, iso, Json, section } from './section.js';
import * as sql from './sql.js';

/** earning/: the events upstream systems sent about the member, orders, bills and enrolment bonuses. */
export const eventsSection = section({
  name: 'events',
  tables: ['member_events'],
  schema: Type.Array(Type.Object({ id: Type.String(), type: Type.String(), occurredAt: Instant, receivedAt: Instant, data: Json })),
  async read(q, person) {
    const rows = await q.query<{ event_id: string; type: string; occurred_at: Temporal.Instant; received_at: Temporal.Instant; data: unknown }>(sql.events, [
      person.memberId,
    ]);
    return rows.map((r) => ({ id: r.event_id, type: r.type, occurredAt: iso(r.occurred_at), receivedAt: iso(r.received_at), data: r.data }));
  },
});

export const ordersSection = section({
  name: 'orders',
  tables: ['member_orders'],
  schema: Type.Array(
    Type.Object({ id: Type.String(), placedAt: Instant, currency: Type.String(), lines: Json, points: Type.Integer(), status: Type.String(), updatedAt: Instant }),
  ),
  async read(q, person) {
    const rows = await q.query<{
      order_id: string;
      placed_at: Temporal.Instant;
      currency: string;
      lines: unknown;
      points: number;
      status: string;
      updated_at: Temporal.Instant;
    }>(sql.orders, [person.memberId]);
    return rows.map((r) => ({
      id: r.order_id,
      placedAt: iso(r.placed_at),
      currency: r.currency,
      lines: r.lines,
      points: r.points,
      status: r.status,
      updatedAt: iso(r.updated_at),
    }));
  },
});

export const billsSection = section({
  name: 'bills',
  tables: ['member_bills'],
  schema: Type.Array(Type.Object({ billingMonth: Type.String(), amountMinor: Type.Integer(), currency: Type.String(), receivedAt: Instant })),
  async read(q, person) {
    const rows = await q.query<{ billing_month: string; amount_minor: number; currency: string; received_at: Temporal.Instant }>(sql.bills, [person.memberId]);
    return rows.map((r) => ({ billingMonth: r.billing_month, amountMinor: r.amount_minor, currency: r.currency, receivedAt: iso(r.received_at) }));
  },
});

export const bonusesSection = section({
  name: 'enrolmentBonuses',
  tables: ['member_bonus_awards'],
  schema: Type.Array(Type.Object({ bonus: Type.String(), awardedAt: Instant })),
  async read(q, person) {
    const rows = await q.query<{ bonus_id: string; awarded_at: Temporal.Instant }>(sql.bonuses, [person.memberId]);
    return rows.map((r) => ({ bonus: r.bonus_id, awardedAt: iso(r.awarded_at) }));
  },
});
