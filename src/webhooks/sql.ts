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

// What the deliverer needs to sign and send one delivery.
export const signingKey = statement('webhooks.signingKey', `
  select url, secret, disabled_at is not null as disabled from webhook_subscriptions where id = $1`);
