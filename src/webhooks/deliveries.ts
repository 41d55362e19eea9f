import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { listWebhookDeliveries, requeueWebhookDelivery, type WebhookDelivery } from '../notifications/index.js';
import { subscriptionOrRefuse } from './subscriptions.js';

/** The delivery log of a program's subscription, newest first; `not_found` for another program's. */
export async function listDeliveries(
  q: Queryable,
  program: string,
  webhookId: string,
  page: { before: string | undefined; limit: number },
): Promise<WebhookDelivery[]> {
  const subscription = await subscriptionOrRefuse(q, program, webhookId);
  return listWebhookDeliveries(q, subscription.id, page);
}

/**
 * Sends a delivery again — usually one given up — as a new delivery that points back at it
 * (`replayOf`), due at once, with a fresh series of attempts. The original keeps its outcome, so
 * the log still shows what happened; the event id is the same, so a receiver that already
 * processed the event can drop the copy. Refusals, in order: `not_found` (the program has no such
 * webhook, or the webhook no such delivery), `webhook_disabled`.
 */
export async function replayDelivery(
  q: Queryable,
  program: string,
  ids: { webhookId: string; deliveryId: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<WebhookDelivery> {
  const subscription = await subscriptionOrRefuse(q, program, ids.webhookId);
  if (subscription.disabledAt) {
    throw refusal('webhook_disabled', `Webhook ${subscription.id} was disabled at ${subscription.disabledAt.toString()}`);
  }
  const replay = await requeueWebhookDelivery(q, { webhookId: subscription.id, deliveryId: ids.deliveryId, url: subscription.url }, ctx);
  if (!replay) throw refusal('not_found', `Webhook ${subscription.id} has no delivery ${ids.deliveryId}`);
  return replay;
}
