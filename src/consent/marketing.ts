import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { enqueueMarketingEmail, type EmailMessage, type TemplateName } from '../notifications/index.js';
import type { Program } from '../programs/index.js';
import { mayContact } from './permissions.js';

/**
 * The one way to email a member an offer: asks the member's permission for email marketing in
 * `scope` now, and queues the email or records its suppression (DN-4, DN-5: transactional email
 * never comes here, it always goes).
 */
export async function sendMarketingEmail<K extends TemplateName>(
  q: Queryable,
  program: Program,
  message: EmailMessage<K> & { memberId: string; scope: string },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<{ id: string; suppressedBy: string | null }> {
  const permission = await mayContact(q, program, message.memberId, { channel: 'email', purpose: 'marketing', scope: message.scope }, ctx.now);
  return enqueueMarketingEmail(q, message, permission, ctx);
}
