import { Type } from 'typebox';
import {
  createSubscription,
  disableSubscription,
  listDeliveries,
  listSubscriptions,
  maxActiveSubscriptions,
  replayDelivery,
  webhookEventTypes,
  webhookMaxAttempts,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../../webhooks/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, Instant, nullable, responses } from '../schemas.js';


const EventType = Type.Union(webhookEventTypes.map((type) => Type.Literal(type)));
const ProgramParams = Type.Object({ program: Type.String({ maxLength: 64 }) });
const WebhookParams = Type.Object({ program: Type.String({ maxLength: 64 }), webhookId: Type.String({ minLength: 1, maxLength: 64 }) });

const SubscriptionView = Type.Object({
  id: Type.String({ description: 'whk_…' }),
  program: Type.String(),
  url: Type.String(),
  events: Type.Array(EventType),
  description: nullable(Type.String()),
  createdAt: Instant,
  createdBy: Type.String(),
  disabledAt: nullable(Instant),
});
const CreatedView = Type.Object({ ...SubscriptionView.properties, secret: Type.String({ description: 'whsec_…: the signing secret, shown this once' }) });
const toSubscriptionView = (s: WebhookSubscription) => ({ ...s, createdAt: s.createdAt.toString(), disabledAt: s.disabledAt?.toString() ?? null });

const DeliveryView = Type.Object({
  id: Type.String({ description: 'msg_…: the outbox message' }),
  eventId: Type.String({ description: 'evt_…: the same in every copy of the event, and in the Pointbook-Event-Id header' }),
  eventType: EventType,
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
    description: `delivered: the receiver answered 2xx. failed: given up after ${webhookMaxAttempts} attempts, or the webhook was disabled`,
  }),
  attempts: Type.Integer(),
  lastResponseCode: nullable(Type.Integer({ description: 'The last HTTP status the receiver answered' })),
  lastError: nullable(Type.String()),
  createdAt: Instant,
  nextAttemptAt: nullable({ ...Instant, description: 'A pending delivery: when it is tried next' }),
  deliveredAt: nullable(Instant),
  replayOf: nullable(Type.String({ description: 'The delivery this one sends again' })),
});
const toDeliveryView = (d: WebhookDelivery) => ({
  ...d,
  // The outbox keeps only catalogue types for webhooks (publishWebhookEvent is typed by them).
  eventType: d.eventType as (typeof webhookEventTypes)[number],
  createdAt: d.createdAt.toString(),
  nextAttemptAt: d.nextAttemptAt?.toString() ?? null,
  deliveredAt: d.deliveredAt?.toString() ?? null,
});

const signing =
  'Each delivery is a POST of `{id, type, program, occurredAt, data}` (ids and amounts, never personal data) with ' +
  '`Pointbook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>` and `Pointbook-Event-Id` ' +
  `(the same for every copy of an event: drop repeats). 2xx within 10 s is delivered; anything else is retried after 1, 2, 4, … minutes, ` +
  `at most hourly, ${webhookMaxAttempts} attempts in all. ` +
  'Points events carry `{memberId, transactionId, points, kind, balance: {available, pending}}`; `points.expired` adds the ' +
  "bucket's `expiresAt` (also its occurredAt) and `lotClass`, one event per expired bucket, whether the nightly expiry or a debit expired it.";

export function webhookRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs/:program/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A program's webhook subscriptions, oldest first (never their secrets)",
        params: ProgramParams,
        response: responses({ 200: Type.Object({ items: Type.Array(SubscriptionView) }) }, [401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      return { items: (await listSubscriptions(deps.db, program.key)).map(toSubscriptionView) };
    },
  );

  app.post(
    '/v1/programs/:program/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to event types of the program',
        description: `${signing} The answer carries the signing secret (\`whsec_…\`): it is shown this once. At most ${maxActiveSubscriptions} active webhooks per program.`,
        params: ProgramParams,
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048, description: 'https://, or http:// to localhost / 127.0.0.1 for development' }),
            events: Type.Array(EventType, { minItems: 1, maxItems: webhookEventTypes.length, uniqueItems: true }),
            description: Type.Optional(Type.String({ maxLength: 200 })),
          },
          closed,
        ),
        response: responses({ 201: CreatedView }, [400, 401, 403, 404, 422]),
      },
    },
    async (request, reply) => {
      const program = programOrRefuse(deps, request.params.program);
      const ctx = { now: deps.clock.now(), actor: actorOf(request) };
      const { subscription, secret } = await createSubscription(deps.db, { ...request.body, program: program.key }, ctx);
      return reply.code(201).send({ ...toSubscriptionView(subscription), secret });
    },
  );

  app.post(
    '/v1/programs/:program/webhooks/:webhookId/disable',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Disable a webhook: nothing more is sent to it, deliveries still waiting included',
        params: WebhookParams,
        response: responses({ 200: SubscriptionView }, [401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const ctx = { now: deps.clock.now(), actor: actorOf(request) };
      return toSubscriptionView(await disableSubscription(deps.db, program.key, request.params.webhookId, ctx));
    },
  );

  app.get(
    '/v1/programs/:program/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A webhook's delivery log, newest first",
        description:
          'Delivered deliveries are kept for the retention of the deployment (POINTBOOK_RETENTION_DELIVERED_WEBHOOK_DAYS, default 30 days); ' +
          'failed ones until a replay of their event is delivered, or the webhook is disabled, and that retention has passed.',
        params: WebhookParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) },
          closed,
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(DeliveryView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const before = decodeCursor(request.query.cursor, /^msg_[0-9a-z]{26}$/);
      const page = await keysetPage(request.query.limit ?? 50, (limit) => listDeliveries(deps.db, program.key, request.params.webhookId, { before, limit }));
      return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/programs/:program/webhooks/:webhookId/deliveries/:deliveryId/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery again',
        description:
          'Queues the delivery again as a new delivery (`replayOf` names the original), due at once, with a fresh series of attempts; ' +
          'the original keeps its outcome. The payload and event id are the original\'s, so a receiver that already processed the event can drop it.',
        params: Type.Object({ ...WebhookParams.properties, deliveryId: Type.String({ minLength: 1, maxLength: 64, description: 'msg_…' }) }),
        response: responses({ 202: DeliveryView }, [401, 403, 404, 409]),
      },
    },
    async (request, reply) => {
      const program = programOrRefuse(deps, request.params.program);
      const ctx = { now: deps.clock.now(), actor: actorOf(request) };
      const { webhookId, deliveryId } = request.params;
      return reply.code(202).send(toDeliveryView(await replayDelivery(deps.db, program.key, { webhookId, deliveryId }, ctx)));
    },
  );
}
