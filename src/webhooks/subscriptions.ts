import type { Temporal } from 'temporal-polyfill';
import type { Db, Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import { webhookEventTypes, type WebhookEventType } from './events.js';
import { newSigningSecret } from './signature.js';
import * as sql from './sql.js';
import { urlProblemMessages, webhookUrlProblem } from './urls.js';

type Ctx = { now: Temporal.Instant; actor: string };

/** A subscription as the API shows it: never its secret. */
export interface WebhookSubscription {
  id: string;
  program: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  createdAt: Temporal.Instant;
  createdBy: string;
  disabledAt: Temporal.Instant | null;
}

/**
 * Active subscriptions per program. Each event is written once per subscriber in the publishing
 * transaction, so this bounds the rows one change can add (tigerbeetle: a limit on everything).
 */
export const maxActiveSubscriptions = 16;

export interface NewSubscription {
  program: string;
  url: string;
  events: readonly WebhookEventType[];
  description?: string | undefined;
}

/**
 * Registers a URL for some event types of a program and returns it with its signing secret, the
 * only time the secret is shown. Refusals, in order: `webhook_url_not_allowed` (`reason`: invalid,
 * not_https, credentials, too_long), `too_many_webhooks`. Event types come checked by the caller's
 * schema; duplicates are dropped and the list kept in catalogue order.
 */
export async function createSubscription(db: Db, input: NewSubscription, ctx: Ctx): Promise<{ subscription: WebhookSubscription; secret: string }> {
  const problem = webhookUrlProblem(input.url);
  if (problem) throw refusal('webhook_url_not_allowed', urlProblemMessages[problem], { reason: problem });
  const events = webhookEventTypes.filter((type) => input.events.includes(type));
  const secret = newSigningSecret();
  const id = newId('whk');
  const row = await db.transaction(async (tx) => {
    await tx.query(sql.lockProgram, [input.program]);
    const [inserted] = await tx.query<sql.SubscriptionRow>(sql.insertSubscription, [
      id, input.program, input.url, events, input.description ?? null, secret, ctx.now.toString(), ctx.actor, maxActiveSubscriptions,
    ]);
    return inserted;
  });
  if (!row) {
    throw refusal('too_many_webhooks', `The program has ${maxActiveSubscriptions} active webhooks; disable one first`, { limit: maxActiveSubscriptions });
  }
  return { subscription: toSubscription(row), secret };
}

/** A program's subscriptions, active and disabled, oldest first. */
export async function listSubscriptions(q: Queryable, program: string): Promise<WebhookSubscription[]> {
  return (await q.query<sql.SubscriptionRow>(sql.listSubscriptions, [program])).map(toSubscription);
}

/** The program's subscription, or `not_found` (also for another program's id). */
export async function subscriptionOrRefuse(q: Queryable, program: string, id: string): Promise<WebhookSubscription> {
  const [row] = await q.query<sql.SubscriptionRow>(sql.getSubscription, [program, id]);
  if (!row) throw refusal('not_found', `Program ${program} has no webhook ${id}`);
  return toSubscription(row);
}

/**
 * Stops a subscription: no event is written for it from now on, and its deliveries still waiting
 * are given up when they come due (the deliverer checks at each attempt). Disabling twice is fine
 * and keeps the first time. There is no enabling again: register the URL anew (a new secret).
 */
export async function disableSubscription(q: Queryable, program: string, id: string, ctx: Ctx): Promise<WebhookSubscription> {
  const [row] = await q.query<sql.SubscriptionRow>(sql.disableSubscription, [program, id, ctx.now.toString(), ctx.actor]);
  if (!row) throw refusal('not_found', `Program ${program} has no webhook ${id}`);
  return toSubscription(row);
}

function toSubscription(row: sql.SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    program: row.program_key,
    url: row.url,
    // Only catalogue types are ever written (the schema and createSubscription check them).
    events: row.events as WebhookEventType[],
    description: row.description,
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabledAt: row.disabled_at,
  };
}

/** The subscriptions disabled before `before` (of every program): their failed deliveries are settled. */
export async function subscriptionsDisabledBefore(q: Queryable, before: Temporal.Instant): Promise<string[]> {
  return (await q.query<{ id: string }>(sql.disabledBefore, [before.toString()])).map((r) => r.id);
}

/** Whether an active subscription of any program names `type` (for jobs that cover every program). */
export async function anySubscriberTo(q: Queryable, type: WebhookEventType): Promise<boolean> {
  const [row] = await q.query<{ subscribed: boolean }>(sql.anySubscriber, [type]);
  return row?.subscribed ?? false;
}
