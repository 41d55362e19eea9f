import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { newId } from '../ids.js';
import { enqueueWebhookBatch, enqueueWebhookDeliveries, type WebhookBatchDelivery } from '../notifications/index.js';
import { assertIdsOnly, type WebhookEventData, type WebhookEventType, type WebhookPayload } from './events.js';
import * as sql from './sql.js';

type Ctx = { now: Temporal.Instant; actor: string };

export interface WebhookEvent<T extends WebhookEventType> {
  program: string;
  type: T;
  /** When it happened in the business (an event's time, a status month's start); usually now. */
  occurredAt: Temporal.Instant;
  /** Ids and amounts only (asserted): no names, emails, phones or addresses. */
  data: WebhookEventData[T];
}

/** An event of any type, for batches that mix them. */
export type AnyWebhookEvent = { [T in WebhookEventType]: WebhookEvent<T> }[WebhookEventType];

/**
 * Writes an event for every active subscription of its program and type, in the caller's
 * transaction: the deliveries exist iff the change that caused them commits, and nothing is sent
 * here (the webhook deliverer sends after the commit, at least once). One statement when nobody
 * subscribes, two otherwise. Returns the event's id (undefined when nobody subscribes) and the
 * number of deliveries written.
 */
export async function publishWebhookEvent<T extends WebhookEventType>(
  q: Queryable,
  event: WebhookEvent<T>,
  ctx: Ctx,
): Promise<{ eventId: string | undefined; deliveries: number }> {
  assertIdsOnly(event.data);
  const subscribers = await q.query<{ id: string; url: string }>(sql.subscribersOf, [event.program, event.type]);
  if (subscribers.length === 0) return { eventId: undefined, deliveries: 0 };
  const eventId = newId('evt');
  await enqueueWebhookDeliveries(q, { eventId, type: event.type, body: payloadOf(eventId, event), memberId: memberOf(event), subscribers }, ctx);
  return { eventId, deliveries: subscribers.length };
}

/**
 * `publishWebhookEvent` for many events at once (a job's chunk, a batch of ledger operations):
 * one lookup of the subscriptions of all their programs and types, and one insert of every
 * delivery, in the caller's transaction — two statements however many events, one when nobody
 * subscribes. Each event gets its own id; `actor` says who caused each.
 */
export async function publishWebhookEvents(
  q: Queryable,
  events: readonly (AnyWebhookEvent & { actor: string })[],
  now: Temporal.Instant,
): Promise<{ events: number; deliveries: number }> {
  if (events.length === 0) return { events: 0, deliveries: 0 };
  for (const event of events) assertIdsOnly(event.data);
  const programs = [...new Set(events.map((e) => e.program))];
  const types = [...new Set(events.map((e) => e.type))];
  const subscriptions = await q.query<{ id: string; url: string; program_key: string; events: string[] }>(sql.subscribersOfAny, [programs, types]);
  if (subscriptions.length === 0) return { events: 0, deliveries: 0 };
  const byProgramAndType = new Map<string, { id: string; url: string }[]>();
  for (const s of subscriptions) {
    for (const type of s.events) {
      const key = `${s.program_key}\u0000${type}`;
      byProgramAndType.set(key, [...(byProgramAndType.get(key) ?? []), { id: s.id, url: s.url }]);
    }
  }
  const deliveries: WebhookBatchDelivery[] = [];
  let published = 0;
  for (const event of events) {
    const subscribers = byProgramAndType.get(`${event.program}\u0000${event.type}`) ?? [];
    if (subscribers.length === 0) continue;
    const eventId = newId('evt');
    const body = payloadOf(eventId, event);
    const memberId = memberOf(event);
    for (const s of subscribers) deliveries.push({ eventId, type: event.type, body, memberId, webhookId: s.id, url: s.url, actor: event.actor });
    published += 1;
  }
  await enqueueWebhookBatch(q, deliveries, now);
  return { events: published, deliveries: deliveries.length };
}

function payloadOf<T extends WebhookEventType>(eventId: string, event: WebhookEvent<T>): string {
  const payload: WebhookPayload<T> = { id: eventId, type: event.type, program: event.program, occurredAt: isoString(event.occurredAt), data: event.data };
  return JSON.stringify(payload);
}

// The events of a chunk share a few instants (a fiscal year's end), and the polyfill's toString
// costs about 17 µs: 1.4 s of a 40,000-bucket expiry chunk's publishing before it was kept.
const isoStrings = new WeakMap<Temporal.Instant, string>();

/** `instant.toString()`, computed once per Instant object. */
export function isoString(instant: Temporal.Instant): string {
  let text = isoStrings.get(instant);
  if (text === undefined) isoStrings.set(instant, (text = instant.toString()));
  return text;
}

function memberOf(event: { data: object }): string | null {
  return 'memberId' in event.data && typeof event.data.memberId === 'string' ? event.data.memberId : null;
}
