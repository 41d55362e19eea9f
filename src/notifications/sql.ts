import { statement } from '../db/index.js';

/** Longer than a send may take (the mailer aborts a send after a minute), so a live send keeps its claim. */
const LEASE = '5 minutes';

export const insertMessage = statement('notifications.insert', `
  insert into outbox_messages (id, member_id, channel, purpose, template, recipient, locale, subject, body, secret,
    status, next_attempt_at, created_at, actor)
  values ($1, $2, 'email', 'transactional', $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10)`);

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
  returning id, recipient, subject, body, attempts`);

// Only the holder of the lease records the outcome: one whose lease lapsed mid-send (and was
// claimed again) changes nothing. The body is erased on every final outcome.
export const markSent = statement('notifications.markSent', `
  update outbox_messages set status = 'sent', sent_at = $3, attempts = attempts + 1, body = null,
    lease_until = null, leased_by = null
  where id = $1 and leased_by = $2
  returning id`);

// $3 the error, $4 when to try again, $5 the attempts after which to give up.
export const markFailed = statement('notifications.markFailed', `
  update outbox_messages set attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
    status = case when attempts + 1 >= $5 then 'failed' else 'pending' end,
    body = case when attempts + 1 >= $5 then null else body end,
    lease_until = null, leased_by = null
  where id = $1 and leased_by = $2
  returning status`);
