import type { Temporal } from 'temporal-polyfill';
import type { Queryable, Statement } from '../db/index.js';
import * as sql from './sql.js';
import type { TemplateName } from './templates.js';

/**
 * DN-6: a contact request's confirmation is the evidence that it was confirmed (the request keeps
 * its id), so it is never deleted by retention; once sent it holds no body, only the id, time,
 * template, status and the address it went to.
 */
export const evidenceTemplates: readonly TemplateName[] = ['contact_request_confirmation'];

/**
 * Deletes up to `limit` outbox rows that finished before `before` and are no longer of use:
 * sent email (not evidence), suppressed marketing, delivered webhooks. Pending and failed email
 * stay (a failed one until the person is erased: it shows support which address did not work).
 * Returns how many went; fewer than `limit` means none is left.
 */
export async function deleteFinishedMessages(
  q: Queryable,
  kind: 'sent_email' | 'suppressed_email' | 'delivered_webhooks',
  before: Temporal.Instant,
  limit: number,
): Promise<number> {
  if (kind === 'sent_email') return count(q, sql.deleteSentEmail, [before.toString(), limit, evidenceTemplates]);
  if (kind === 'suppressed_email') return count(q, sql.deleteSuppressedEmail, [before.toString(), limit]);
  return count(q, sql.deleteDeliveredWebhooks, [before.toString(), limit]);
}

/**
 * Deletes up to `limit` failed webhook deliveries that are settled: their event was delivered to
 * the same subscription before `before` (by a replay), or their subscription is one of
 * `disabledWebhooks` (disabled before `before`: nothing can replay them). Run before
 * `delivered_webhooks` of the same cutoff, which removes the replays that settle them.
 */
export async function deleteSettledWebhookFailures(q: Queryable, before: Temporal.Instant, disabledWebhooks: readonly string[], limit: number): Promise<number> {
  return count(q, sql.deleteSettledWebhookFailures, [before.toString(), limit, disabledWebhooks]);
}

async function count(q: Queryable, statement: Statement, values: readonly unknown[]): Promise<number> {
  const [row] = await q.query<{ n: number }>(statement, values);
  return row?.n ?? 0;
}
