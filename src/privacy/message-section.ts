import type { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { Instant, iso, isoOrNull, nullable, section } from './section.js';
import * as sql from './sql.js';

/**
 * notifications/: the email we sent or hold for the person. Bodies are not exported: they are
 * erased once a message is sent, and a pending one may carry a one-time secret.
 */
export const messagesSection = section({
  name: 'messages',
  tables: ['outbox_messages'],
  schema: Type.Array(
    Type.Object({
      id: Type.String(),
      template: Type.String(),
      recipient: Type.String(),
      subject: nullable(Type.String()),
      status: Type.String(),
      createdAt: Instant,
      sentAt: nullable(Instant),
    }),
  ),
  async read(q, person) {
    const rows = await q.query<{
      id: string;
      template: string;
      recipient: string;
      subject: string | null;
      status: string;
      created_at: Temporal.Instant;
      sent_at: Temporal.Instant | null;
    }>(sql.messages, [person.memberId, person.emails]);
    return rows.map((r) => ({
      id: r.id,
      template: r.template,
      recipient: r.recipient,
      subject: r.subject,
      status: r.status,
      createdAt: iso(r.created_at),
      sentAt: isoOrNull(r.sent_at),
    }));
  },
});
