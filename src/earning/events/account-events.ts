import { recordBill } from '../bills.js';
import { expiresAtFor } from '../../programs/index.js';
import { endMembership } from '../../members/index.js';
import type { EventData } from './types.js';
import type { Handler } from './handlers.js';
import { forfeitIfConfigured, postOne } from './post.js';
import { reject, requireMemberAt } from './rejection.js';

/** bill.issued: what the member was charged for a billing month (kept for rules such as SU-10). A corrected bill replaces it. */
export const billIssued: Handler = async (tx, { memberId, event }, ctx) => {
  const data = event.data as EventData<'bill.issued'>;
  await recordBill(tx, memberId, data.billingMonth, data.total, ctx.now.toString());
  return { points: 0 };
};

/** member.left: the membership period ends when the event says it did; points go if `forfeitOn` says so. */
export const memberLeft: Handler = async (tx, input, ctx) => {
  const { memberId, event } = input;
  const ended = await endMembership(tx, memberId, event.occurredAt, ctx.actor);
  if (!ended) reject('not_a_member', 'The member has no open membership to end');
  const left = event.occurredAt.toString();
  return forfeitIfConfigured(tx, input, { key: `forfeit:left:${left}`, reason: `Left the program at ${left}`, cause: 'Left the program', metadata: {} }, ctx);
};

/** SR-7: points from the co-branded card and other partners land in the same account. */
export const partnerEarned: Handler = async (tx, { program, memberId, event }, ctx) => {
  const data = event.data as EventData<'partner.earned'>;
  const partner = program.earning?.partners?.find((p) => p.id === data.partner);
  if (!partner) reject('unknown_partner', `${data.partner} is not a partner of ${program.key}`);
  await requireMemberAt(tx, memberId, event.occurredAt);
  const expiresAt = expiresAtFor(program, event.occurredAt);
  const posted = await postOne(
    tx,
    program,
    {
      op: 'credit',
      member: memberId,
      key: `event:${event.id}`,
      kind: 'partner',
      points: data.points,
      counter: `program:partner:${partner.id}`,
      reason: `SR-7: ${partner.name} (${data.reference})`,
      occurredAt: event.occurredAt,
      actor: ctx.actor,
      metadata: { partner: partner.id, reference: data.reference },
      ...(expiresAt ? { expiresAt } : {}),
    },
    ctx.now,
  );
  return { points: posted.points };
};
