import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { newId, type Id } from '../ids.js';
import * as sql from './sql.js';
import { renderTemplate, type TemplateInput, type TemplateName } from './templates.js';

export type OutboxMessageId = Id<'msg'>;

/** One email to one address: a template and its variables, checked together. */
export type EmailMessage<K extends TemplateName = TemplateName> = TemplateInput<K> & {
  /** The member it concerns; null for an applicant who is not (yet) a member. */
  memberId: string | null;
  /** One address (no display name, no list), as the caller validated it. */
  to: string;
};

// One address: a list ("a@x, b@y") would send a member's link to someone else too.
const singleAddress = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+$/;

/**
 * Renders the email and writes it to the outbox in the caller's transaction, so the message exists
 * if and only if the change that caused it commits. Nothing is sent here: a deliverer (`createMailer`)
 * sends it after the commit, at least once. Call the mailer's `kick()` after the commit to send it
 * soon rather than at the next periodic run.
 */
export async function enqueueEmail<K extends TemplateName>(
  q: Queryable,
  message: EmailMessage<K>,
  ctx: { now: Temporal.Instant; actor: string },
): Promise<{ id: OutboxMessageId }> {
  assert(singleAddress.test(message.to) && message.to.length <= 254, 'an email goes to one valid address');
  const rendered = renderTemplate<K>(message);
  const id = newId('msg');
  await q.query(sql.insertMessage, [
    id,
    message.memberId,
    message.template,
    message.to,
    message.locale,
    rendered.subject,
    rendered.body,
    rendered.secret,
    ctx.now.toString(),
    ctx.actor,
  ]);
  return { id };
}

/**
 * A marketing email (DN): written like any other when `permission.allowed`, else recorded as
 * `suppressed` with the request that stopped it and without its text. The permission is the
 * consent domain's answer for this member, channel email and `scope` at `ctx.now` — callers go
 * through `sendMarketingEmail` in src/consent, which asks it.
 */
export async function enqueueMarketingEmail<K extends TemplateName>(
  q: Queryable,
  message: EmailMessage<K> & { memberId: string; scope: string },
  permission: { allowed: boolean; decidedBy: string | null },
  ctx: { now: Temporal.Instant; actor: string },
): Promise<{ id: OutboxMessageId; suppressedBy: string | null }> {
  assert(singleAddress.test(message.to) && message.to.length <= 254, 'an email goes to one valid address');
  assert(permission.allowed || permission.decidedBy !== null, 'a refused permission names the request that refused it');
  const rendered = renderTemplate<K>(message);
  const id = newId('msg');
  const suppressedBy = permission.allowed ? null : permission.decidedBy;
  await q.query(sql.insertMarketing, [
    id, message.memberId, message.template, message.to, message.locale, rendered.subject, rendered.body, rendered.secret,
    ctx.now.toString(), ctx.actor, message.scope, suppressedBy,
  ]);
  return { id, suppressedBy };
}
