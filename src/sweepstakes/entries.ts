import { createHash } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { keyDeliveryFor } from '../accounts/index.js';
import type { Db, Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import {
  getMember,
  getStatus,
  isMemberAt,
  listMemberships,
  normaliseAddress,
  normaliseEmail,
  normalisePhone,
  statusChangeOf,
  type Member,
  type PostalAddress,
} from '../members/index.js';
import type { Program } from '../programs/index.js';
import type { SweepstakesDefinition, EntryChannel } from './definition.js';
import { claimedInvitation, hasValidSignature } from './entry-links.js';
import { prizeOptions, type EntrantFacts, type PrizeOption } from './gates.js';
import { openedPeriod, readPeriod } from './period-store.js';
import { periodAt, rewardDueAt, runsIn, windowOf } from './periods.js';
import { rankOf } from './ranking.js';
import * as sql from './sql.js';

export interface Entry {
  id: string;
  memberId: string;
  sweepstakes: string;
  period: string;
  prize: string;
  channel: EntryChannel;
  enteredAt: Temporal.Instant;
  postalAddress: PostalAddress;
  country: string | null;
  dataUse: { ja: string; en: string };
  participationReward: { points: number; dueAt: Temporal.Instant; transactionId: string | null } | null;
  exclusion: { reason: string; by: string; at: Temporal.Instant } | null;
}

export interface EntryRequest {
  memberId: string;
  prize: string;
  /** SU-5: the personal link's token when entering through the emailed invitation. */
  link?: string | undefined;
  /** SU-14: where the request came from (null: unknown) and how that was judged, for the refusal. */
  country: { code: string | null; by: string };
}

type Ctx = { now: Temporal.Instant; actor: string };

/**
 * Enters a member in the current period (SU-3..SU-7, SU-12, SU-14, SU-16): the window, the country,
 * the gates of the chosen prize, the personal link if given; then the entry, which snapshots the
 * registered postal address (SU-6) and the data-use statement shown (SU-16), and schedules the
 * participation reward (SU-7). A second entry in the period is refused with already_entered and
 * recorded (SU-12). Entries are never cancelled (SU-13).
 */
export async function enter(db: Db, program: Program, definition: SweepstakesDefinition, request: EntryRequest, ctx: Ctx): Promise<Entry> {
  const period = periodAt(program, ctx.now);
  requireOpen(definition, program, period, ctx.now);
  requireCountry(definition, request.country);
  const outcome = await db.transaction(async (tx) => {
    const member = await getMember(tx, request.memberId);
    if (!member || member.program !== program.key) throw refusal('not_found', `There is no member ${request.memberId}`);
    const channel: EntryChannel = request.link === undefined ? 'web' : 'email';
    const facts = await entrantFacts(tx, member, period, ctx.now);
    const option = chosenOption(prizeOptions(definition, program, facts, period, channel), request.prize);
    if (!option.allowed) throw await notEligible(tx, option, member, program);
    if (request.link !== undefined) await requireLink(tx, request.link, { member: member.id, definition, period, prize: request.prize });
    if (!member.postalAddress) throw refusal('postal_address_required', 'Prizes go only to your registered postal address (SU-6): register one, then enter');
    const opened = await openedPeriod(tx, definition, period, ctx.now);
    const id = newId('swe');
    const reward = definition.participation;
    const [row] = await tx.query<sql.EntryRow>(sql.insertEntry, [
      member.id,
      id,
      definition.key,
      period,
      program.key,
      request.prize,
      channel,
      ctx.now.toString(),
      JSON.stringify(member.postalAddress),
      request.country.code,
      JSON.stringify(definition.dataUse),
      rankOf(opened.seed, id),
      reward?.points ?? 0,
      reward ? rewardDueAt(program, ctx.now, reward.afterDays).toString() : null,
      ctx.actor,
      ...identityKeys(member, member.postalAddress),
    ]);
    if (row) return { entry: toEntry(row), refused: undefined };
    await tx.query(sql.insertRefusal, [member.id, newId('swr'), definition.key, period, request.prize, 'already_entered', ctx.now.toString(), ctx.actor]);
    const [first] = await tx.query<sql.EntryRow>(sql.entryOfMember, [member.id, definition.key, period]);
    return { entry: undefined, refused: first };
  });
  if (outcome.entry) return outcome.entry;
  // Thrown after the commit, so the refused attempt stays recorded.
  const first = outcome.refused;
  throw refusal('already_entered', `You already entered ${period}${first ? ` (prize ${first.prize})` : ''}; only the first entry counts (SU-12)`, {
    entryId: first?.id,
    prize: first?.prize,
  });
}

/**
 * SU-12: who entered, as hashes of the normalised email, phone and address, so the duplicate report
 * finds one person behind several members however they wrote their details (RELIABILITY G3).
 */
function identityKeys(member: Member, address: PostalAddress): [string | null, string | null, string] {
  const hash = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
  return [member.email ? hash(normaliseEmail(member.email)) : null, member.phone ? hash(normalisePhone(member.phone)) : null, hash(normaliseAddress(address))];
}

/** The member's entry in a period, if they entered. */
export async function entryOf(q: Queryable, memberId: string, key: string, period: string): Promise<Entry | undefined> {
  const [row] = await q.query<sql.EntryRow>(sql.entryOfMember, [memberId, key, period]);
  return row && toEntry(row);
}

/** What the gates know of a member in a period: status now, this month's change, membership. */
export async function entrantFacts(q: Queryable, member: Member, period: string, now: Temporal.Instant): Promise<EntrantFacts> {
  const status = await getStatus(q, member.id);
  const change = await statusChangeOf(q, member.id, period);
  const active = isMemberAt(await listMemberships(q, member.id), now);
  return { member, status: status?.tier ?? null, change, active };
}

function requireOpen(definition: SweepstakesDefinition, zone: { timeZone: string }, period: string, now: Temporal.Instant): void {
  const window = windowOf(definition, zone, period);
  const when = { opensAt: window.opensAt.toString(), closesAt: window.closesAt.toString() };
  if (!runsIn(definition, period)) {
    const { first, last } = definition.periods;
    const ended = last !== undefined && period > last;
    const message = ended ? `${definition.key} ended with the entries of ${last} (SU-15)` : `${definition.key} takes entries from ${first}`;
    throw refusal('window_closed', message, { ...when, ended });
  }
  if (now.epochNanoseconds < window.opensAt.epochNanoseconds) {
    throw refusal('window_closed', `Entries for ${period} open on day ${definition.periods.opensOnDay} at 00:00 ${zone.timeZone} (SU-3)`, { ...when, ended: false });
  }
}

function requireCountry(definition: SweepstakesDefinition, country: EntryRequest['country']): void {
  const allowed = definition.countries?.allowed;
  if (!allowed || (country.code !== null && allowed.includes(country.code))) return;
  const where = country.code === null ? `a place whose country could not be told (${country.by})` : `${country.code}, by ${country.by}`;
  throw refusal('country_not_allowed', `Entries are taken from ${allowed.join(', ')} only (SU-14); this request came from ${where}`, { country: country.code, allowed });
}

function chosenOption(options: readonly PrizeOption[], prize: string): PrizeOption {
  const option = options.find((o) => o.prize.key === prize);
  if (!option) throw refusal('unknown_prize', `There is no prize "${prize}"; the prizes are ${options.map((o) => o.prize.key).join(', ')}`, { prizes: options.map((o) => o.prize.key) });
  return option;
}

/** The detail in the member's language; `reasons` carries both. */
async function notEligible(q: Queryable, option: Extract<PrizeOption, { allowed: false }>, member: Member, program: Program) {
  const { locale } = await keyDeliveryFor(q, program, member);
  const text = option.reasons.map((reason) => reason.message[locale]).join('; ');
  return refusal('not_eligible', text, { prize: option.prize.key, gate: option.reasons[0]?.rule, reasons: option.reasons });
}

async function requireLink(q: Queryable, token: string, expected: { member: string; definition: SweepstakesDefinition; period: string; prize: string }): Promise<void> {
  const claimed = claimedInvitation(token);
  const period = claimed && claimed.sweepstakes === expected.definition.key ? await readPeriod(q, claimed.sweepstakes, claimed.period) : undefined;
  const valid =
    claimed !== undefined &&
    period !== undefined &&
    hasValidSignature(token, period.linkKey) &&
    claimed.member === expected.member &&
    claimed.period === expected.period &&
    claimed.prizes.includes(expected.prize);
  if (!valid) throw refusal('entry_link_invalid', `This entry link is not yours, not for ${expected.definition.key} in ${expected.period}, or does not offer prize ${expected.prize} (SU-5)`);
}

export function toEntry(row: sql.EntryRow): Entry {
  return {
    id: row.id,
    memberId: row.member_id,
    sweepstakes: row.sweepstakes_key,
    period: row.period,
    prize: row.prize,
    channel: row.channel,
    enteredAt: row.entered_at,
    postalAddress: row.postal_address,
    country: row.country,
    dataUse: row.data_use,
    participationReward: row.reward_due_at ? { points: row.reward_points, dueAt: row.reward_due_at, transactionId: row.reward_transaction } : null,
    exclusion: row.excluded_at && row.excluded_reason && row.excluded_by ? { reason: row.excluded_reason, by: row.excluded_by, at: row.excluded_at } : null,
  };
}
