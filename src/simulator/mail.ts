import { statement, type Queryable } from '../db/index.js';
import { show } from './match.js';

/**
 * The `mail` step: what a member would find in their mailbox. A scenario's world has no SMTP, so
 * every message stays `pending` in the outbox with its body (src/notifications), and the simulator
 * reads it there. The outbox belongs to notifications, whose index offers no reader; these two
 * read-only statements are the simulator's own, the way a test looks into a mailbox.
 */

// Newest first: created_at is the test clock, which stands still between requests, so the
// time-ordered msg_ ids (monotonic in one process) order the messages of one instant.
const newestMail = statement('simulator.newestMail', `
  select id, recipient, template, subject, body, status
  from outbox_messages
  where lower(recipient) = lower($1) and ($2::text is null or template = $2)
  order by created_at desc, id desc
  limit 1`);

const recentMail = statement('simulator.recentMail', `
  select recipient, template, subject from outbox_messages order by created_at desc, id desc limit $1`);

/** Shown when no mail is found, so the report says what did arrive. */
const recentShown = 5;

interface MailRow {
  id: string;
  recipient: string;
  template: string;
  subject: string;
  body: string | null;
  status: string;
}

/** A mail as `{lastMail…}` and a mail step's `expect` see it; `link`, `token` and `key` only when the body has one. */
export interface MailView {
  id: string;
  to: string;
  template: string;
  subject: string;
  /** Null once sent or given up (the outbox erases it); never so in a scenario, which has no SMTP. */
  body: string | null;
  status: string;
  /** The first link with a `#token=` (sign-up, password reset, a sweepstakes entry link). */
  link?: string;
  /** That link's token, as `POST /v1/auth/signups/confirm` takes it. */
  token?: string;
  /** The first six digits standing alone (a step-up key). */
  key?: string;
}

export interface MailQuery {
  to: string;
  template?: string | undefined;
}

export type MailRead = { ok: true; mail: MailView } | { ok: false; error: string };

// Base64url, with the dots of a signed token (`pbi_<payload>.<signature>`) but not a full stop after it.
const tokenLink = /https?:\/\/[^\s#]*#token=([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)/u;
const sixDigits = /(?<!\d)(\d{6})(?!\d)/u;

/** The view of one outbox row: its fields, and the link, token and key its body holds. Pure. */
export function mailView(row: MailRow): MailView {
  const view: MailView = { id: row.id, to: row.recipient, template: row.template, subject: row.subject, body: row.body, status: row.status };
  const link = row.body === null ? null : tokenLink.exec(row.body);
  if (link?.[1] !== undefined) Object.assign(view, { link: link[0], token: link[1] });
  const key = row.body === null ? null : sixDigits.exec(row.body)?.[1];
  if (key !== undefined && key !== null) view.key = key;
  return view;
}

/**
 * The newest mail to `to` (of `template`, if given). It must be one no earlier mail step read
 * (`alreadyRead`): a mail step says a mail arrived, and an old one must not pass for a new one.
 */
export async function readMail(db: Queryable, query: MailQuery, alreadyRead: ReadonlyMap<string, number>): Promise<MailRead> {
  const [row] = await db.query<MailRow>(newestMail, [query.to, query.template ?? null]);
  const wanted = `mail to ${query.to}${query.template === undefined ? '' : ` (template ${query.template})`}`;
  if (!row) return { ok: false, error: `no ${wanted} is in the outbox; ${await recentText(db)}` };
  const readAt = alreadyRead.get(row.id);
  if (readAt !== undefined) {
    return { ok: false, error: `no new ${wanted} arrived: the newest, ${show(row.subject)}, was read by step ${readAt}` };
  }
  return { ok: true, mail: mailView(row) };
}

async function recentText(db: Queryable): Promise<string> {
  const rows = await db.query<Pick<MailRow, 'recipient' | 'template' | 'subject'>>(recentMail, [recentShown]);
  if (rows.length === 0) return 'the outbox is empty';
  const shown = rows.map((row) => `  to ${row.recipient}: ${row.template} ${show(row.subject)}`);
  return `its newest:\n${shown.join('\n')}`;
}
