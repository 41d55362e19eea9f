// Webhooks: other systems subscribe, per program, to event types; deliveries go through the
// notifications outbox (channel 'webhook'). See README.md.
export {
  webhookEventTypes,
  isWebhookEventType,
  type WebhookEventType,
  type WebhookEventData,
  type WebhookPayload,
  type PointsEventData,
} from './events.js';
export { publishWebhookEvent, publishWebhookEvents, type WebhookEvent, type AnyWebhookEvent } from './publish.js';
export { publishPointsPosted, publishLedgerPostings, publishPointsExpired, type PointsPosting } from './points-events.js';
export {
  createSubscription,
  listSubscriptions,
  subscriptionOrRefuse,
  disableSubscription,
  maxActiveSubscriptions,
  subscriptionsDisabledBefore,
  anySubscriberTo,
  type WebhookSubscription,
  type NewSubscription,
} from './subscriptions.js';
export { listDeliveries, replayDelivery } from './deliveries.js';
export { createWebhookDeliverer, webhookMaxAttempts, type WebhookDelivererOptions } from './deliver.js';
export { signPayload, verifySignature, signatureHeader, eventIdHeader } from './signature.js';
export type { WebhookDelivery } from '../notifications/index.js';
