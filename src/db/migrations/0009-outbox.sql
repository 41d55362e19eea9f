-- The outbox: every message Pointbook sends to a person, written in the transaction of the change
-- that causes it, so a message exists if and only if that change committed. A deliverer sends
-- what is due and records the outcome here (src/notifications/README.md). Today: transactional
-- email only; consent checks and other channels come in front of this same table later, which is
-- why channel, purpose and scope are columns from the start.
--
-- Keyed by its own id, not by member: an applicant who is not yet a member gets mail too, and no
-- statement looks messages up by member. For the same reason member_id has no foreign key (like
-- member_directory): the table is distributed by id, and under Citus a key to members, which are
-- distributed by member_id, could not be enforced.
create table outbox_messages (
  id              text primary key,              -- msg_…
  member_id       text,                          -- null: the recipient is not (yet) a member
  channel         text not null check (channel in ('email')),
  purpose         text not null check (purpose in ('transactional', 'marketing')),
  scope           text not null default 'company', -- whose consent a marketing message needs
  template        text not null,
  recipient       text not null check (length(recipient) between 3 and 254), -- RFC 5321's path limit
  locale          text not null check (locale in ('ja', 'en')),
  subject         text not null,
  -- The rendered text. Erased once the message is sent or given up: it may carry a one-time
  -- secret (a link, a step-up key), and after delivery it is of no use to anyone.
  body            text,
  secret          boolean not null,              -- the body carries a secret (link or key)
  status          text not null check (status in ('pending', 'sent', 'failed')),
  attempts        int not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null,          -- the deliverer's clock: a test clock moves retries
  -- A deliverer's claim while it sends, on the database's wall clock: a process that dies
  -- mid-send loses it when it lapses, and another sends again (at least once).
  lease_until     timestamptz,
  leased_by       text,
  last_error      text,
  created_at      timestamptz not null,
  sent_at         timestamptz,
  actor           text not null,                 -- who caused the message
  check ((status = 'pending') = (body is not null)),
  check ((status = 'sent') = (sent_at is not null)),
  check (status <> 'failed' or last_error is not null),
  check ((lease_until is null) = (leased_by is null))
);

-- The deliverer's claim: the earliest due pending message of a channel. Sent and failed messages
-- leave the index, so it stays as small as the backlog.
create index outbox_messages_due on outbox_messages (channel, next_attempt_at, id) where status = 'pending';
