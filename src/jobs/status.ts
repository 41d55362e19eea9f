import type { Db, Queryable } from '../db/index.js';
import { isUpgrade, tierFor } from '../earning/tiers.js';
import { pointsEarnedBetween } from '../ledger/index.js';
import { getStatus, membersAtPage, setStatus, type Member } from '../members/index.js';
import type { Temporal } from 'temporal-polyfill';
import { billingMonthStart, type Program } from '../programs/index.js';
import { publishWebhookEvent } from '../webhooks/index.js';
import { chunkRows, type JobContext, type JobOutcome, runChunked } from './chunked.js';

const PAGE = 5_000;

/**
 * SU-1: recomputes every member's status as of the start of `month` and records each change under
 * that month, so "status went up this month" is a fact later rules (SU-4) can ask about. A member's
 * first status is recorded as 'initial', not as a change up.
 */
export async function runStatus(db: Db, program: Program, month: string, ctx: JobContext): Promise<JobOutcome> {
  const tiers = program.tiers;
  const at = billingMonthStart(program, month);
  return runChunked(db, { program: program.key, job: 'status', period: month }, ctx, async (tx, cursor) => {
    if (!tiers) return undefined;
    const members = await membersAtPage(tx, program.key, at, cursor ?? undefined, chunkRows(db, PAGE));
    const last = members.at(-1);
    if (!last) return undefined;
    const counts = { members: members.length, up: 0, down: 0, initial: 0, unchanged: 0 };
    for (const member of members) {
      const { tier } = tierFor(program, {
        joinedAt: member.joinedAt,
        now: at,
        member: { id: member.id, attributes: member.attributes },
        ...(await pointsInWindow(tx, program, member, at)),
      });
      const current = await getStatus(tx, member.id);
      if (current?.tier === tier) {
        counts.unchanged += 1;
        continue;
      }
      const direction = !current ? 'initial' : isUpgrade(tiers.ladder, current.tier, tier) ? 'up' : 'down';
      counts[direction] += 1;
      await setStatus(tx, member.id, { month, from: current?.tier ?? null, to: tier, direction, at });
      await publishWebhookEvent(tx, { program: program.key, type: 'tier.changed', occurredAt: at, data: { memberId: member.id, from: current?.tier ?? null, to: tier, direction, month } }, ctx);
    }
    return { cursor: last.id, counts };
  });
}

/** For a ladder by points earned: the points of the `windowMonths` before `at`. */
async function pointsInWindow(tx: Queryable, program: Program, member: Member, at: Temporal.Instant) {
  const tiers = program.tiers;
  if (tiers?.basis !== 'points_earned') return {};
  const from = at.toZonedDateTimeISO(program.timeZone).subtract({ months: tiers.windowMonths }).toInstant();
  return { pointsEarnedInWindow: await pointsEarnedBetween(tx, member.id, from, at) };
}
