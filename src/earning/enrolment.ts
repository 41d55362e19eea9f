import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { expiresAtFor, type Program } from '../programs/index.js';
import { post } from '../ledger/index.js';
import { listMemberships, type Enrolment } from '../members/index.js';
import { publishPointsPosted } from '../webhooks/index.js';
import { enrolmentBonusFor } from './enrolment-bonus.js';

const claimAward = statement('earning.claimBonusAward', `
  insert into member_bonus_awards (member_id, bonus_id, awarded_at) values ($1, $2, $3)
  on conflict do nothing
  returning bonus_id`);
const dropAward = statement('earning.dropBonusAward', `delete from member_bonus_awards where member_id = $1 and bonus_id = $2`);
const openCounter = statement('earning.openCounter', `
  insert into program_counters (program_key, counter, cap) values ($1, $2, $3) on conflict do nothing`);
// The guard is the update itself: it counts only while under the cap, so the cap is exact under any concurrency.
const countOne = statement('earning.countOne', `
  update program_counters set used = used + 1 where program_key = $1 and counter = $2 and used < cap returning used`);
const noteTransaction = statement('earning.noteBonusTransaction', `
  update member_bonus_awards set transaction = $3 where member_id = $1 and bonus_id = $2`);

export interface BonusOutcome {
  bonus: string;
  points: number;
  /** 1-based: this member was the n-th to get it; 0 for a bonus without a cap. */
  position: number;
}

/**
 * SR-1: the enrolment bonus, for the first `cap` enrolments in the window who were not members in
 * the days before it. Runs in the enrolment's transaction. A member gets each bonus once (the
 * award row), and the cap counts each member once (the guarded counter), whatever the concurrency.
 * Its `points.credited` is published in the same transaction.
 */
export async function awardEnrolmentBonus(
  tx: Queryable,
  program: Program,
  enrolment: Enrolment,
  ctx: { now: Temporal.Instant; actor: string },
): Promise<BonusOutcome[]> {
  const periods = await listMemberships(tx, enrolment.member.id);
  const decision = enrolmentBonusFor(program, { enrolledAt: enrolment.periodStartedAt, membershipPeriods: periods });
  if (!('bonus' in decision)) return [];
  const { bonus } = decision;
  const counter = `enrolment-bonus:${bonus.id}`;
  const claimed = await tx.query(claimAward, [enrolment.member.id, bonus.id, ctx.now.toString()]);
  if (claimed.length === 0) return [];
  let position = 0;
  if (bonus.cap !== undefined) {
    await tx.query(openCounter, [program.key, counter, bonus.cap]);
    const [counted] = await tx.query<{ used: number }>(countOne, [program.key, counter]);
    if (!counted) {
      await tx.query(dropAward, [enrolment.member.id, bonus.id]);
      return [];
    }
    position = counted.used;
  }
  // The bonus is earned now (when it is credited), whatever date the membership is backdated to.
  const expiresAt = expiresAtFor(program, ctx.now);
  const posted = await post(
    tx,
    {
      op: 'credit',
      member: enrolment.member.id,
      key: `bonus:${bonus.id}`,
      kind: 'bonus',
      points: bonus.points,
      counter: 'program:bonus',
      reason: bonus.cap === undefined ? `Enrolment bonus ${bonus.id}` : `SR-1: enrolment bonus ${bonus.id} (#${position} of ${bonus.cap})`,
      actor: ctx.actor,
      metadata: { bonus: bonus.id, position },
      ...(expiresAt ? { expiresAt } : {}),
    },
    ctx.now,
  );
  await tx.query(noteTransaction, [enrolment.member.id, bonus.id, posted.transactionId]);
  await publishPointsPosted(tx, { program: program.key, type: 'points.credited', memberId: enrolment.member.id, kind: 'bonus', posted }, ctx);
  return [{ bonus: bonus.id, points: bonus.points, position }];
}
