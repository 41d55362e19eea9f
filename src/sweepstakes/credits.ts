import type { Temporal } from 'temporal-polyfill';
import { keyDeliveryFor } from '../accounts/index.js';
import type { Db, Queryable } from '../db/index.js';
import { post } from '../ledger/index.js';
import { getMember } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { expiresAtFor, programName, type Program } from '../programs/index.js';
import { publishPointsPosted } from '../webhooks/index.js';
import type { SweepstakesDefinition } from './definition.js';
import { openedPeriod } from './period-store.js';
import { periodAt, runsIn, windowOf } from './periods.js';
import * as sql from './sql.js';

type Ctx = { now: Temporal.Instant; actor: string };
const PAGE = 500;

/**
 * The sweepstakes' daily work for a program, all of it idempotent (ledger keys name the entry or
 * the result, and a credited row is marked in the same transaction):
 * - opens today's period of each running sweepstakes, publishing its commitment;
 * - SU-7: credits participation rewards that fell due;
 * - SU-8, SU-11: credits the winners of draws whose award date came, to the entering member id,
 *   and sends the win notice.
 */
export async function runSweepstakesDay(db: Db, program: Program, ctx: Ctx): Promise<Record<string, number>> {
  const counts = { opened: 0, rewards: 0, awards: 0 };
  for (const definition of program.sweepstakes ?? []) {
    const period = periodAt(program, ctx.now);
    if (runsIn(definition, period) && ctx.now.epochNanoseconds >= windowOf(definition, program, period).opensAt.epochNanoseconds) {
      await openedPeriod(db, definition, period, ctx.now);
      counts.opened += 1;
    }
  }
  for (;;) {
    const credited = await db.transaction((tx) => creditRewards(tx, program, ctx));
    counts.rewards += credited;
    if (credited < PAGE) break;
  }
  for (;;) {
    const awarded = await db.transaction((tx) => creditAwards(tx, program, ctx));
    counts.awards += awarded;
    if (awarded < PAGE) break;
  }
  return counts;
}

async function creditRewards(tx: Queryable, program: Program, ctx: Ctx): Promise<number> {
  const due = await tx.query<{ member_id: string; id: string; sweepstakes_key: string; period: string; reward_points: number }>(sql.rewardsDue, [ctx.now.toString(), program.key, PAGE]);
  for (const entry of due) {
    const posted = await post(
      tx,
      {
        op: 'credit',
        member: entry.member_id,
        key: `sweepstakes:participation:${entry.id}`,
        kind: 'sweepstakes_participation',
        points: entry.reward_points,
        counter: 'program:sweepstakes',
        reason: `SU-7: entry ${entry.id} in ${entry.sweepstakes_key} ${entry.period}`,
        actor: ctx.actor,
        metadata: { sweepstakes: entry.sweepstakes_key, period: entry.period, entryId: entry.id },
        ...expiry(program, ctx.now),
      },
      ctx.now,
    );
    await tx.query(sql.markRewarded, [entry.member_id, entry.id, posted.transactionId]);
    await publishPointsPosted(tx, { program: program.key, type: 'points.credited', memberId: entry.member_id, kind: 'sweepstakes_participation', posted }, ctx);
  }
  return due.length;
}

async function creditAwards(tx: Queryable, program: Program, ctx: Ctx): Promise<number> {
  const due = await tx.query<sql.AwardDueRow>(sql.awardsDue, [program.key, ctx.now.toString(), PAGE]);
  for (const result of due) {
    const { points } = result;
    const posted = await post(
      tx,
      {
        op: 'credit',
        member: result.member_id,
        key: `sweepstakes:award:${result.draw_id}:${result.entry_id}`,
        kind: 'sweepstakes_award',
        points,
        counter: 'program:sweepstakes',
        reason: `SU-8: prize ${result.prize} of ${result.sweepstakes_key} ${result.period}`,
        actor: ctx.actor,
        metadata: { sweepstakes: result.sweepstakes_key, period: result.period, drawId: result.draw_id, entryId: result.entry_id, prize: result.prize },
        ...expiry(program, ctx.now),
      },
      ctx.now,
    );
    await tx.query(sql.markAwarded, [result.member_id, result.draw_id, result.entry_id, posted.transactionId, ctx.now.toString()]);
    await publishPointsPosted(tx, { program: program.key, type: 'points.credited', memberId: result.member_id, kind: 'sweepstakes_award', posted }, ctx);
    const definition = program.sweepstakes?.find((s) => s.key === result.sweepstakes_key);
    if (definition && !posted.replayed) await sendWinNotice(tx, program, definition, result, ctx);
  }
  return due.length;
}

/** The win notice is transactional: it tells the member about their own points (DN-5). */
async function sendWinNotice(tx: Queryable, program: Program, definition: SweepstakesDefinition, result: sql.AwardDueRow, ctx: Ctx): Promise<void> {
  const member = await getMember(tx, result.member_id);
  if (!member) return;
  const { email, locale } = await keyDeliveryFor(tx, program, member);
  if (!email) return;
  const prize = definition.prizes.find((p) => p.key === result.prize);
  await enqueueEmail(
    tx,
    {
      template: 'sweepstakes_won',
      locale,
      memberId: member.id,
      to: email,
      vars: { sweepstakesName: definition.names[locale], prizeName: prize?.names[locale] ?? result.prize, points: result.points, period: result.period, programName: programName(program, locale) },
    },
    ctx,
  );
}

function expiry(program: Program, now: Temporal.Instant): { expiresAt?: Temporal.Instant } {
  const expiresAt = expiresAtFor(program, now);
  return expiresAt ? { expiresAt } : {};
}
