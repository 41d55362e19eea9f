import { createHash, randomInt } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { actingDevice, verifyActingDevice, type ActingDevice } from '../accounts/devices.js';
import type { Db, Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import { enqueueEmail } from '../notifications/index.js';
import { type Locale, type Program, programName } from '../programs/index.js';
import { defaultStepUpKeyValidMinutes, defaultStepUpMaxFailuresPerDay, type RedemptionKind } from '../programs/schema.js';
import * as sql from './sql.js';
import type { StepUpMethod } from './sql.js';

/**
 * FL-5: exchanges other than bill credit only from the member's registered line, or with a
 * one-time key. The gateway vouches for the line with the program's `trustedHeader`; a key is six
 * digits, lives `keyValidMinutes` (10), is used once, is kept only as a SHA-256, and a newer key
 * revokes the older. Wrong keys are counted per member and day: past `maxFailuresPerDay` (10) no
 * key is accepted that day, so a key cannot be guessed (10 tries in 1,000,000).
 *
 * F3 (decision 72): a member session whose device is not verified steps up before every kind of
 * redemption, bill credit included, and before a credential change, in every program; meeting it
 * verifies the device, which is then known for the member's later log-ins.
 */

export interface IssuedStepUpKey {
  id: string;
  expiresAt: Temporal.Instant;
  /** The key itself: for delivery to the member, never stored or logged. */
  key: string;
}

/** Where a key goes: the member's own email (their log-in's, else the one on record). */
export interface KeyDelivery {
  email: string | null;
  locale: Locale;
}

/**
 * Issues a key for the member (revoking any earlier one still live) and queues the email that
 * carries it, in one transaction: a key exists only if its email will go out.
 */
export async function issueStepUpKey(
  db: Db,
  program: Program,
  memberId: string,
  delivery: KeyDelivery,
  ctx: { now: Temporal.Instant; actor: string },
): Promise<IssuedStepUpKey> {
  const stepUp = program.redemption?.stepUp;
  // Without FL-5's step-up, keys are for members on devices not verified yet (decision 72).
  if (!stepUp && (await actingDevice(db, memberId)).verified) {
    throw refusal('redemption_not_offered', `Program ${program.key} asks for no step-up, so it issues no step-up keys`);
  }
  const to = delivery.email;
  if (!to) throw refusal('no_email', "The member has no email address for the key; redeem from the member's registered line");
  // Keys must be unpredictable: crypto randomness, not a seeded generator.
  const key = randomInt(0, 1_000_000).toString().padStart(6, '0');
  const id = newId('suk');
  const expiresAt = ctx.now.add({ minutes: stepUp?.keyValidMinutes ?? defaultStepUpKeyValidMinutes });
  await db.transaction(async (tx) => {
    await tx.query(sql.revokeKeys, [memberId, ctx.now.toString()]);
    await tx.query(sql.insertKey, [memberId, id, keyHash(memberId, key), expiresAt.toString(), ctx.now.toString(), ctx.actor]);
    const vars = { key, expiresAt, programName: programName(program, delivery.locale), timeZone: program.timeZone };
    await enqueueEmail(tx, { memberId, to, template: 'step_up_key', locale: delivery.locale, vars }, ctx);
  });
  return { id, expiresAt, key };
}

/** Salted with the member id, so equal keys of two members hash differently. */
export function keyHash(memberId: string, key: string): string {
  return createHash('sha256').update(`${memberId}:${key}`).digest('hex');
}

/** Whether the program asks for a step-up before this kind of redemption. Pure. */
export function stepUpRequired(program: Program, kind: RedemptionKind): boolean {
  return program.redemption?.stepUp?.required.includes(kind) ?? false;
}

export interface StepUpProof {
  /** The gateway's trusted header said the request comes from the member's registered line. */
  trustedLine: boolean;
  key?: string | undefined;
  /** Who acts (`actingDevice`): a member's device not verified yet steps up for every kind. */
  device: ActingDevice;
}

export type StepUpRefused = 'missing' | 'wrong_key' | 'too_many_failures';
export type StepUpOutcome = { met: StepUpMethod } | { refused: StepUpRefused };

/**
 * Checks the step-up inside the redemption's transaction. A right key is used up (for
 * `redemptionId`), and is given back if the transaction later rolls back. A wrong key counts one
 * failure: the caller commits that, and only that, before refusing.
 */
export async function meetStepUp(
  tx: Queryable,
  program: Program,
  kind: RedemptionKind,
  memberId: string,
  proof: StepUpProof,
  ctx: { now: Temporal.Instant; redemptionId: string },
): Promise<StepUpOutcome> {
  if (!stepUpRequired(program, kind) && proof.device.verified) return { met: 'not_required' };
  const outcome = await secondFactor(tx, program, memberId, proof, { now: ctx.now, usedFor: ctx.redemptionId });
  if ('met' in outcome) await verifyActingDevice(tx, proof.device, ctx.now);
  return outcome;
}

/** The registered line, or a right key (used up for `usedFor`, a redemption id, or null). */
async function secondFactor(
  tx: Queryable,
  program: Program,
  memberId: string,
  proof: Omit<StepUpProof, 'device'>,
  ctx: { now: Temporal.Instant; usedFor: string | null },
): Promise<StepUpOutcome> {
  if (proof.trustedLine) return { met: 'trusted_line' };
  if (proof.key === undefined) return { refused: 'missing' };
  const day = ctx.now.toZonedDateTimeISO(program.timeZone).toPlainDate().toString();
  const max = program.redemption?.stepUp?.maxFailuresPerDay ?? defaultStepUpMaxFailuresPerDay;
  // Counted before the key is looked at, so concurrent guesses cannot pass the limit.
  const [counted] = await tx.query<{ failures: number | null }>(sql.countAttempt, [memberId, day, max]);
  if (counted === undefined || counted.failures === null) return { refused: 'too_many_failures' };
  const used = await tx.query(sql.useKey, [memberId, keyHash(memberId, proof.key), ctx.now.toString(), ctx.usedFor]);
  if (used.length === 0) return { refused: 'wrong_key' };
  await tx.query(sql.giveAttemptBack, [memberId, day]);
  return { met: 'key' };
}

/**
 * F3: before a credential change, a member's device not verified yet steps up (the registered
 * line or a key), which verifies it; a verified one, and operators, pass at once. A wrong key's
 * failure is committed before the refusal.
 */
export async function stepUpDevice(
  db: Db,
  program: Program,
  memberId: string,
  proof: Omit<StepUpProof, 'device'>,
  action: StepUpAction,
  ctx: { now: Temporal.Instant },
): Promise<void> {
  const refused = await db.transaction(async (tx) => {
    const device = await actingDevice(tx, memberId);
    if (device.verified) return undefined;
    const outcome = await secondFactor(tx, program, memberId, proof, { now: ctx.now, usedFor: null });
    if ('refused' in outcome) return outcome.refused;
    await verifyActingDevice(tx, device, ctx.now);
    return undefined;
  });
  if (refused !== undefined) throw stepUpRefusal(refused, action, { newDevice: true });
}

/** What a step-up was asked for: a kind of redemption, or a credential change. */
export type StepUpAction = RedemptionKind | 'password_change';

const reasons: Record<StepUpRefused, string> = {
  missing: "Redeem from the member's registered line, or ask for a step-up key by email (POST /v1/members/{id}/step-up-keys) and send it as stepUpKey",
  wrong_key: 'The step-up key is wrong, expired, already used or replaced by a newer one; issue a new key',
  too_many_failures: "Too many wrong step-up keys today; redeem from the member's registered line, or try again tomorrow",
};

/** `newDevice`: asked because the member's device is not verified, not because the program asks it for this kind. */
export function stepUpRefusal(reason: StepUpRefused, kind: StepUpAction, cause: { newDevice?: boolean } = {}) {
  return refusal('step_up_required', reasons[reason], { reason, kind, ...(cause.newDevice ? { newDevice: true } : {}) });
}
