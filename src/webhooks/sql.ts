import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

const columns = 'id, program_key, url, events, description, created_at, created_by, disabled_at';

export interface SubscriptionRow {
  id: string;
  program_key: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: Temporal.Instant;
  created_by: string;
  disabled_at: Temporal.Instant | null;
}

// Serialises the creation of a program's subscriptions for the rest of the transaction, so the
// guard below counts what the others committed (a count under READ COMMITTED alone would not).
export const lockProgram = statement('webhooks.lockProgram', `
  select pg_advisory_xact_lock(hashtextextended('webhooks:' || $1, 0))`);

// Guarded: inserts only while the program has fewer than $9 active subscriptions.
export const insertSubscription = statement('webhooks.insertSubscription', `
  insert into webhook_subscriptions (id, program_key, url, events, description, secret, created_at, created_by)
  select $1, $2, $3, $4::text[], $5, $6, $7, $8
  where (select count(*) from webhook_subscriptions where program_key = $2 and disabled_at is null) < $9
  returning ${columns}`);

export const listSubscriptions = statement('webhooks.listSubscriptions', `
  select ${columns} from webhook_subscriptions where program_key = $1 order by id`);

export const getSubscription = statement('webhooks.getSubscription', `
  select ${columns} from webhook_subscriptions where program_key = $1 and id = $2`);

// Disabling twice keeps the first time and operator.
export const disableSubscription = statement('webhooks.disableSubscription', `
  update webhook_subscriptions set disabled_at = coalesce(disabled_at, $3), disabled_by = coalesce(disabled_by, $4)
  where program_key = $1 and id = $2
  returning ${columns}`);

// Who receives an event: the program's active subscriptions to its type.
export const subscribersOf = statement('webhooks.subscribersOf', `
  select id, url from webhook_subscriptions
  where program_key = $1 and disabled_at is null and $2 = any(events)
  order by id`);

// Who receives any event of a batch: the active subscriptions of its programs to any of its types.
export const subscribersOfAny = statement('webhooks.subscribersOfAny', `
  select id, url, program_key, events from webhook_subscriptions
  where program_key = any($1::text[]) and disabled_at is null and events && $2::text[]
  order by id`);

// Whether any program's active subscription names type $1: a job skips building events nobody gets.
export const anySubscriber = statement('webhooks.anySubscriber', `
  select exists (select 1 from webhook_subscriptions where disabled_at is null and $1 = any(events)) as subscribed`);

// What the deliverer needs to sign and send one delivery.
export const signingKey = statement('webhooks.signingKey', `
  select url, secret, disabled_at is not null as disabled from webhook_subscriptions where id = $1`);

// Retention: subscriptions disabled before $1, whose failed deliveries nothing can replay.
export const disabledBefore = statement('webhooks.disabledBefore', `
  select id from webhook_subscriptions where disabled_at < $1 order by id`);
