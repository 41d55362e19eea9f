import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

/** Longer than a send may take (the mailer aborts a send after a minute), so a live send keeps its claim. */
const LEASE = '5 minutes';

export const insertMessage = statement('notifications.insert', `
  insert into outbox_messages (id, member_id, channel, purpose, template, recipient, locale, subject, body, secret,
    status, next_attempt_at, created_at, actor)
  values ($1, $2, 'email', 'transactional', $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10)`);

// A marketing message (DN): sent like any other when the member may be contacted, else recorded as
// suppressed, with the request that stopped it and without its text. $11 scope, $12 the request.
export const insertMarketing = statement('notifications.insertMarketing', `
  insert into outbox_messages (id, member_id, channel, purpose, scope, template, recipient, locale, subject, body, secret,
    status, suppressed_by, next_attempt_at, created_at, actor)
  values ($1, $2, 'email', 'marketing', $11, $3, $4, $5, $6, case when $12::text is null then $7 end, $8,
    case when $12::text is null then 'pending' else 'suppressed' end, $12, $9, $9, $10)`);

// Claims the earliest due message of a channel for one send: a lease on the database's wall clock,
// taken in one autocommitted statement, so no transaction stays open while the message is sent
// (PGlite has a single connection). SKIP LOCKED lets deliverers in other processes pass over a row
// being claimed; the outer conditions are re-checked on the newest row version, so a message is
// never leased twice. $1 channel, $2 the deliverer's now, $3 the lease token.
export const claimNext = statement('notifications.claimNext', `
  update outbox_messages set lease_until = now() + interval '${LEASE}', leased_by = $3
  where id = (
      select id from outbox_messages
      where channel = $1 and status = 'pending' and next_attempt_at <= $2 and (lease_until is null or lease_until < now())
      order by next_attempt_at, id
      limit 1
      for update skip locked)
    and status = 'pending' and (lease_until is null or lease_until < now())
  returning id, recipient, subject, body, attempts, template, webhook_id as "webhookId", event_id as "eventId"`);

// Only the holder of the lease records the outcome: one whose lease lapsed mid-send (and was
// claimed again) changes nothing. An email's body is erased on every final outcome; a webhook's
// is kept (ids and amounts only, and a replay sends it again). $4 the reply code, if any.
export const markSent = statement('notifications.markSent', `
  update outbox_messages set status = 'sent', sent_at = $3, attempts = attempts + 1, last_response_code = $4,
    body = case when channel = 'webhook' then body end,
    lease_until = null, leased_by = null
  where id = $1 and leased_by = $2
  returning id`);

// $3 the error, $4 when to try again, $5 the attempts after which to give up (0: now), $6 the reply code.
export const markFailed = statement('notifications.markFailed', `
  update outbox_messages set attempts = attempts + 1, last_error = $3, next_attempt_at = $4, last_response_code = $6,
    status = case when attempts + 1 >= $5 then 'failed' else 'pending' end,
    body = case when attempts + 1 >= $5 and channel = 'email' then null else body end,
    lease_until = null, leased_by = null
  where id = $1 and leased_by = $2
  returning status`);

// Webhook deliveries (channel 'webhook'): one row per subscriber of an event, written in the
// publishing transaction. $1 member, $2 event type, $3 payload, $4 now, $5 actor, $6 event id,
// $7 row ids, $8 subscription ids, $9 their URLs (three arrays of the same length).
export const enqueueWebhooks = statement('notifications.enqueueWebhooks', `
  insert into outbox_messages (id, member_id, channel, purpose, template, recipient, body, secret,
    status, next_attempt_at, created_at, actor, webhook_id, event_id)
  select d.id, $1, 'webhook', 'transactional', $2, d.url, $3, false, 'pending', $4, $4, $5, d.webhook_id, $6
  from unnest($7::text[], $8::text[], $9::text[]) as d (id, webhook_id, url)
  returning id`);

// The deliveries of many events at once (a chunk's expiries, a batch's postings): one row per
// event and subscriber, as parallel arrays of the same length, so a chunk costs one statement.
// $1 now; $2 row ids, $3 members, $4 event types, $5 URLs, $6 payloads, $7 subscriptions, $8 event ids, $9 actors.
export const enqueueWebhookBatch = statement('notifications.enqueueWebhookBatch', `
  insert into outbox_messages (id, member_id, channel, purpose, template, recipient, body, secret,
    status, next_attempt_at, created_at, actor, webhook_id, event_id)
  select d.id, d.member_id, 'webhook', 'transactional', d.type, d.url, d.body, false, 'pending', $1, $1, d.actor, d.webhook_id, d.event_id
  from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
    as d (id, member_id, type, url, body, webhook_id, event_id, actor)`);

const deliveryColumns = `id, event_id, template, status, attempts, last_response_code, last_error, created_at,
  next_attempt_at, sent_at, replay_of`;

export interface WebhookDeliveryRow {
  id: string;
  event_id: string;
  template: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_response_code: number | null;
  last_error: string | null;
  created_at: Temporal.Instant;
  next_attempt_at: Temporal.Instant;
  sent_at: Temporal.Instant | null;
  replay_of: string | null;
}

// A subscription's delivery log, newest first, after the cursor $2 (a delivery id) when given.
export const webhookDeliveries = statement('notifications.webhookDeliveries', `
  select ${deliveryColumns} from outbox_messages
  where webhook_id = $1 and ($2::text is null or id < $2)
  order by id desc
  limit $3`);

// A replay: a new row with the original's event, type and payload, due now, pointing back at it.
// The original keeps its own outcome and attempts. $1 subscription, $2 delivery, $3 new id, $4 URL.
export const requeueWebhook = statement('notifications.requeueWebhook', `
  insert into outbox_messages (id, member_id, channel, purpose, template, recipient, body, secret,
    status, next_attempt_at, created_at, actor, webhook_id, event_id, replay_of)
  select $3, member_id, channel, purpose, template, $4, body, false, 'pending', $5, $5, $6, webhook_id, event_id, id
  from outbox_messages
  where id = $2 and webhook_id = $1 and channel = 'webhook'
  returning ${deliveryColumns}`);

// Retention (jobs/retention.ts): finished rows older than a cutoff $1, at most $2 per statement,
// each answering how many went. Only rows that can no longer be sent or replayed are touched.

// Sent email, but the templates kept as evidence ($3: DN-6 confirmations, whose ids the contact
// requests keep). Their bodies went when they were sent; what goes now is the address and subject.
export const deleteSentEmail = statement('notifications.retention.sentEmail', `
  with gone as (
    delete from outbox_messages where id in (
      select id from outbox_messages
      where channel = 'email' and status = 'sent' and sent_at < $1 and template <> all($3::text[])
      limit $2)
    returning 1)
  select count(*)::int as n from gone`);

// Marketing held back by an opt-out (DN): the record of the suppression, which has no body.
export const deleteSuppressedEmail = statement('notifications.retention.suppressedEmail', `
  with gone as (
    delete from outbox_messages where id in (
      select id from outbox_messages where status = 'suppressed' and created_at < $1 limit $2)
    returning 1)
  select count(*)::int as n from gone`);

export const deleteDeliveredWebhooks = statement('notifications.retention.deliveredWebhooks', `
  with gone as (
    delete from outbox_messages where id in (
      select id from outbox_messages where channel = 'webhook' and status = 'sent' and sent_at < $1 limit $2)
    returning 1)
  select count(*)::int as n from gone`);

// A failed delivery is settled, and may go, once its event reached the same subscription before
// the cutoff (a replay was delivered), or its subscription ($3) was disabled before the cutoff and
// can be replayed to no more. Until then it stays, with its payload, for the operator to replay.
export const deleteSettledWebhookFailures = statement('notifications.retention.settledWebhookFailures', `
  with gone as (
    delete from outbox_messages where id in (
      select f.id from outbox_messages f
      where f.channel = 'webhook' and f.status = 'failed'
        and (f.webhook_id = any($3::text[])
             or exists (select 1 from outbox_messages r
                        where r.event_id = f.event_id and r.webhook_id = f.webhook_id
                          and r.channel = 'webhook' and r.status = 'sent' and r.sent_at < $1))
      limit $2)
    returning 1)
  select count(*)::int as n from gone`);
