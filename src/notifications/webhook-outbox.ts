import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { newId } from '../ids.js';
import * as sql from './sql.js';

/** One event for its subscribers: the same payload, event id and type in each subscriber's row. */
export interface WebhookEnqueue {
  eventId: string;
  type: string;
  /** The JSON payload, sent as is and kept for replays: ids and amounts, no secret. */
  body: string;
  /** The member the event concerns, if any (kept with the row, like an email's). */
  memberId: string | null;
  subscribers: readonly { id: string; url: string }[];
}

/** A row of a subscription's delivery log. `delivered`: the receiver answered 2xx. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The last HTTP status the receiver answered; null before the first answer or after a network error. */
  lastResponseCode: number | null;
  lastError: string | null;
  createdAt: Temporal.Instant;
  /** When a pending delivery is tried next; null once it is delivered or given up. */
  nextAttemptAt: Temporal.Instant | null;
  deliveredAt: Temporal.Instant | null;
  /** The delivery this one sends again (a replay). */
  replayOf: string | null;
}

/**
 * Writes one webhook delivery per subscriber to the outbox in the caller's transaction (so they
 * exist iff the change commits); the webhook deliverer sends them after the commit. Returns their ids.
 */
export async function enqueueWebhookDeliveries(q: Queryable, event: WebhookEnqueue, ctx: { now: Temporal.Instant; actor: string }): Promise<string[]> {
  if (event.subscribers.length === 0) return [];
  const ids = event.subscribers.map(() => newId('msg'));
  const rows = await q.query<{ id: string }>(sql.enqueueWebhooks, [
    event.memberId,
    event.type,
    event.body,
    ctx.now.toString(),
    ctx.actor,
    event.eventId,
    ids,
    event.subscribers.map((s) => s.id),
    event.subscribers.map((s) => s.url),
  ]);
  assert(rows.length === ids.length, 'one delivery per subscriber');
  return ids;
}

/** One delivery of a batch: an event's payload for one subscriber. */
export interface WebhookBatchDelivery {
  eventId: string;
  type: string;
  body: string;
  memberId: string | null;
  webhookId: string;
  url: string;
  /** Who caused the event. */
  actor: string;
}

/**
 * Writes the deliveries of many events in one statement, in the caller's transaction (so they
 * exist iff the change commits), for callers that publish a batch or a chunk at a time.
 */
export async function enqueueWebhookBatch(q: Queryable, deliveries: readonly WebhookBatchDelivery[], now: Temporal.Instant): Promise<number> {
  if (deliveries.length === 0) return 0;
  await q.query(sql.enqueueWebhookBatch, [
    now.toString(),
    deliveries.map(() => newId('msg')),
    deliveries.map((d) => d.memberId),
    deliveries.map((d) => d.type),
    deliveries.map((d) => d.url),
    deliveries.map((d) => d.body),
    deliveries.map((d) => d.webhookId),
    deliveries.map((d) => d.eventId),
    deliveries.map((d) => d.actor),
  ]);
  return deliveries.length;
}

/** A subscription's deliveries, newest first, after `before` (a delivery id). */
export async function listWebhookDeliveries(q: Queryable, webhookId: string, page: { before: string | undefined; limit: number }): Promise<WebhookDelivery[]> {
  const rows = await q.query<sql.WebhookDeliveryRow>(sql.webhookDeliveries, [webhookId, page.before ?? null, page.limit]);
  return rows.map(toDelivery);
}

/**
 * Queues a delivery of the subscription again, as a new row that points back at it and is due at
 * once, to `url` (the subscription's). Undefined when the subscription has no such delivery.
 */
export async function requeueWebhookDelivery(
  q: Queryable,
  delivery: { webhookId: string; deliveryId: string; url: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<WebhookDelivery | undefined> {
  const [row] = await q.query<sql.WebhookDeliveryRow>(sql.requeueWebhook, [
    delivery.webhookId,
    delivery.deliveryId,
    newId('msg'),
    delivery.url,
    ctx.now.toString(),
    ctx.actor,
  ]);
  return row && toDelivery(row);
}

function toDelivery(row: sql.WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.template,
    status: row.status === 'sent' ? 'delivered' : row.status,
    attempts: row.attempts,
    lastResponseCode: row.last_response_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    deliveredAt: row.sent_at,
    replayOf: row.replay_of,
  };
}
