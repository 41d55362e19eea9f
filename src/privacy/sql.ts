import type { Temporal } from 'temporal-polyfill';
import { statement } from '../db/index.js';

// privacy_erasures (0012): claimed first in an erasure's transaction, so its primary key makes a
// second or concurrent erasure wait for the first and then replay it.
export const claimErasure = statement('privacy.claimErasure', `
  insert into privacy_erasures (member_id, program_key, erased_at, erased_by, reason) values ($1, $2, $3, $4, $5)
  on conflict (member_id) do nothing
  returning erased_at`);
export const getErasure = statement('privacy.getErasure', `
  select erased_at, erased_by, reason from privacy_erasures where member_id = $1`);

export interface ErasureRow {
  erased_at: Temporal.Instant;
  erased_by: string;
  reason: string;
}

// An export reads one snapshot: every section sees the same committed state.
export const snapshot = statement('privacy.snapshot', `set transaction isolation level repeatable read, read only`);

// ---------------------------------------------------------------------------------------------
// Borrowed statements. These read or erase tables of earning/, notifications/, consent/ and the
// HTTP idempotency store, which own them (consent/ keeps its own in consent/personal-data.ts); each belongs in a `personal-data.ts` of its owner and
// moves there when that folder takes it (the privacy brief let this change add files only to
// members/, accounts/ and redemption/). Until then they are here, named after their owner.
// ---------------------------------------------------------------------------------------------

// earning/: what upstream systems told us about the member, and what it earned.
export const events = statement('earning.personalData.events', `
  select event_id, type, occurred_at, received_at, data from member_events where member_id = $1 order by received_at, event_id`);
export const orders = statement('earning.personalData.orders', `
  select order_id, placed_at, currency, lines, points, status, updated_at from member_orders where member_id = $1 order by placed_at, order_id`);
export const bills = statement('earning.personalData.bills', `
  select billing_month, amount_minor, currency, received_at from member_bills where member_id = $1 order by billing_month`);
export const bonuses = statement('earning.personalData.bonuses', `
  select bonus_id, awarded_at from member_bonus_awards where member_id = $1 order by awarded_at, bonus_id`);

// earning/: a contract event names the line's user and holder, with birth dates (GG-1); an
// erasure keeps the events (they name upstream contracts) but not the people's birth dates.
export const eraseEventBirthDates = statement('earning.erase.eventBirthDates', `
  update member_events set data = data #- '{user,birthDate}' #- '{holder,birthDate}'
  where member_id = $1 and type like 'contract.%' and (data #> '{user,birthDate}' is not null or data #> '{holder,birthDate}' is not null)`);

// notifications/: email to the person, by member or, for mail sent before they were a member,
// by one of their addresses ($2, lower case). Webhook deliveries (channel 'webhook') go to other
// systems, not to the person, and carry no personal data (0011).
const theirEmail = `channel = 'email' and (member_id = $1 or (member_id is null and lower(recipient) = any($2::text[])))`;
export const messages = statement('notifications.personalData.messages', `
  select id, template, recipient, subject, status, created_at, sent_at from outbox_messages where ${theirEmail} order by id`);
// Pending mail is cancelled (as failed, with the reason), and every message forgets the address:
// the recipient becomes the pseudonym, and an error text, which may quote the address, is replaced.
export const eraseMessages = statement('notifications.erase.messages', `
  update outbox_messages set recipient = $3, body = null,
    status = case when status = 'pending' then 'failed' else status end,
    last_error = case when status = 'pending' then 'cancelled: the member was erased'
                      when last_error is null then null else 'erased with the member' end,
    lease_until = null, leased_by = null
  where ${theirEmail}`);

// http/idempotency.ts: a replayed enrolment answers the stored body, which holds the profile as
// it was; it is pseudonymized like the member, so a retry after the erasure shows nothing erased.
export const eraseStoredEnrolments = statement('http.idempotency.eraseEnrolments', `
  update http_idempotency_keys
  set body = body || jsonb_build_object('externalId', $2::text, 'name', null, 'email', null, 'phone', null,
    'birthDate', null, 'postalAddress', null, 'country', null, 'attributes', '{}'::jsonb)
  where body->>'id' = $1 and body ? 'externalId'`);
