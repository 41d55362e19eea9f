-- Webhooks (issue #7): other systems subscribe, per program, to event types; each event becomes
-- one delivery per active subscription, written in the transaction of the change that caused it
-- (src/webhooks/README.md, docs/decisions.md 28). Deliveries are rows of the one outbox
-- (outbox_messages, channel 'webhook'), so they share its claim, lease and backoff.

-- A subscription. The secret signs every delivery (HMAC-SHA256), so it is kept as it is, not
-- hashed: we must compute the signature, not just check one. It is shown once, when created.
-- Keyed by its own id: subscriptions are program configuration, not members' rows.
create table webhook_subscriptions (
  id          text primary key,                                -- whk_…
  program_key text not null references programs (key),
  url         text not null check (length(url) between 8 and 2048),
  events      text[] not null check (cardinality(events) between 1 and 32),
  description text check (length(description) <= 200),
  secret      text not null check (secret like 'whsec\_%'),
  created_at  timestamptz not null,
  created_by  text not null,
  disabled_at timestamptz,
  disabled_by text,
  check ((disabled_at is null) = (disabled_by is null))
);
-- Publishing looks up a program's active subscriptions in every transaction that publishes.
create index webhook_subscriptions_active on webhook_subscriptions (program_key) where disabled_at is null;

-- The outbox learns a second channel. A webhook row names its subscription and its event (the
-- event id is the same in every subscription's row and in the Pointbook-Event-Id header, so a
-- receiver can drop a second copy); its template is the event type and its recipient the URL.
-- Its body (the JSON payload) is kept after delivery: it holds ids and amounts, never a secret or
-- personal data, and a replay sends it again. The signing secret stays in the subscription; the
-- signature is computed at each attempt.
alter table outbox_messages
  add column webhook_id         text,    -- whk_…: the subscription (webhook rows only)
  add column event_id           text,    -- evt_…
  add column replay_of          text,    -- msg_…: the delivery this one sends again
  add column last_response_code int;     -- the last HTTP status (webhooks) or SMTP reply code (email)

alter table outbox_messages drop constraint outbox_messages_channel_check;
alter table outbox_messages add constraint outbox_messages_channel_check check (channel in ('email', 'webhook'));

-- Email keeps RFC 5321's path limit; a webhook URL may be longer.
alter table outbox_messages drop constraint outbox_messages_recipient_check;
alter table outbox_messages add constraint outbox_messages_recipient_check
  check (length(recipient) between 3 and (case channel when 'email' then 254 else 2048 end));

alter table outbox_messages alter column locale drop not null;
alter table outbox_messages alter column subject drop not null;
alter table outbox_messages add constraint outbox_messages_email_text
  check (channel <> 'email' or (locale is not null and subject is not null));

-- Email bodies exist only while the message may still be sent (0009); webhook bodies always.
alter table outbox_messages drop constraint outbox_messages_check;
alter table outbox_messages add constraint outbox_messages_body_check
  check (case channel when 'email' then (status = 'pending') = (body is not null) else body is not null end);

alter table outbox_messages add constraint outbox_messages_webhook_check
  check ((channel = 'webhook') = (webhook_id is not null and event_id is not null)
         and (replay_of is null or channel = 'webhook'));

-- The delivery log of a subscription, newest first.
create index outbox_messages_webhook on outbox_messages (webhook_id, id desc) where webhook_id is not null;
