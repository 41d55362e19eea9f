import { Temporal } from 'temporal-polyfill';
import type { Db, Queryable } from '../db/index.js';
import { billFor } from '../earning/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import { getMember, getStatus, isMemberAt, listMemberships } from '../members/index.js';
import type { Program } from '../programs/index.js';
import { celContext } from '../rules/index.js';
import { publishWebhookEvent } from '../webhooks/index.js';
import { exclusionCondition } from './conditions.js';
import type { SweepstakesDefinition } from './definition.js';
import { openedPeriod } from './period-store.js';
import { awardAt, drawOpensAt, runsIn } from './periods.js';
import { walkTier } from './ranking.js';
import * as sql from './sql.js';

/** The key recorded for an entry an operator excluded (SU-12); its reason is on the entry. */
export const operatorExclusion = 'operator';

export interface TierReport {
  prize: string;
  points: number;
  entries: number;
  /** How many winners and alternates the tier draws. */
  wanted: { winners: number; alternates: number };
  winners: { entry: string; member: string }[];
  alternates: { entry: string; member: string }[];
  excluded: { entry: string; member: string; exclusion: string }[];
}

/** What a draw decided, kept as written (the table refuses updates) and exported as is. */
export interface DrawReport {
  id: string;
  sweepstakes: string;
  period: string;
  drawnAt: string;
  drawnBy: string;
  awardAt: string;
  commitment: string;
  seed: string;
  algorithm: 'hmac-sha256-rank/v1';
  tiers: TierReport[];
  /** Exclusion key → entries it excluded. */
  exclusions: Record<string, number>;
}

type Ctx = { now: Temporal.Instant; actor: string };
const CHUNK = 256;

/**
 * Draws a period (SU-8): refused before the draw month (draw_too_early) and when it was drawn
 * (draw_already_run). Per tier, entries in the committed seed's rank order, skipping the excluded
 * (SU-9, SU-10, the operator's SU-12 exclusions), until the winners and their alternates are
 * found. One transaction: the report, the results and the draw.completed event commit together,
 * and the period's row is locked so two operators cannot draw it at once.
 */
export async function drawPeriod(db: Db, program: Program, definition: SweepstakesDefinition, period: string, ctx: Ctx): Promise<DrawReport> {
  if (!runsIn(definition, period)) throw refusal('not_found', `${definition.key} took no entries in ${period}`);
  const opensAt = drawOpensAt(definition, program, period);
  if (Temporal.Instant.compare(ctx.now, opensAt) < 0) {
    throw refusal('draw_too_early', `The draw of ${period} may run from ${opensAt.toZonedDateTimeISO(program.timeZone).toString({ timeZoneName: 'never' })} ${program.timeZone} (SU-8)`, {
      drawOpensAt: opensAt.toString(),
    });
  }
  return db.transaction(async (tx) => {
    const opened = await openedPeriod(tx, definition, period, ctx.now);
    await tx.query(sql.lockPeriod, [definition.key, period]);
    const [earlier] = await tx.query<sql.DrawRow>(sql.drawOfPeriod, [definition.key, period]);
    if (earlier) throw refusal('draw_already_run', `${period} was drawn at ${earlier.drawn_at.toString()} (${earlier.id}); a draw is never repeated`, { drawId: earlier.id });
    const counts = new Map((await tx.query<{ prize: string; entries: number }>(sql.entriesPerPrize, [definition.key, period])).map((r) => [r.prize, r.entries]));
    const tiers: TierReport[] = [];
    for (const prize of definition.prizes) {
      const wanted = { winners: prize.winners, alternates: prize.winners * (definition.draw.alternatesPerWinner ?? 0) };
      const outcome = await walkTier(
        rankedChunks(tx, definition.key, period, prize.key, wanted.winners + wanted.alternates),
        wanted,
        (entry) => exclusionOf(tx, definition, entry, ctx.now),
      );
      const named = (entry: sql.RankedRow) => ({ entry: entry.id, member: entry.member_id });
      tiers.push({
        prize: prize.key,
        points: prize.points,
        entries: counts.get(prize.key) ?? 0,
        wanted,
        winners: outcome.winners.map(named),
        alternates: outcome.alternates.map(named),
        excluded: outcome.excluded.map(({ entry, exclusion }) => ({ ...named(entry), exclusion })),
      });
    }
    const report: DrawReport = {
      id: newId('swd'),
      sweepstakes: definition.key,
      period,
      drawnAt: ctx.now.toString(),
      drawnBy: ctx.actor,
      awardAt: awardAt(definition, program, period).toString(),
      commitment: opened.commitment,
      seed: opened.seed,
      algorithm: 'hmac-sha256-rank/v1',
      tiers,
      exclusions: tally(tiers.flatMap((tier) => tier.excluded.map((e) => e.exclusion))),
    };
    await tx.query(sql.insertDraw, [report.id, definition.key, period, program.key, report.drawnAt, ctx.actor, report.awardAt, opened.seed, opened.commitment, JSON.stringify(report)]);
    await tx.query(sql.insertResults, [report.id, JSON.stringify(resultRows(tiers))]);
    await publishWebhookEvent(
      tx,
      {
        program: program.key,
        type: 'draw.completed',
        occurredAt: ctx.now,
        data: {
          drawId: report.id,
          sweepstakes: definition.key,
          period,
          commitment: report.commitment,
          seed: report.seed,
          awardAt: report.awardAt,
          tiers: tiers.map((t) => ({ prize: t.prize, entries: t.entries, winners: t.winners.length, excluded: t.excluded.length })),
        },
      },
      ctx,
    );
    return report;
  });
}

/** A tier's entries in rank order: first as many as the tier wants, then larger chunks past exclusions. */
async function* rankedChunks(q: Queryable, key: string, period: string, prize: string, first: number): AsyncIterable<sql.RankedRow[]> {
  let after = { rank: '', id: '' };
  let size = Math.max(1, Math.min(first, CHUNK));
  for (;;) {
    const rows = await q.query<sql.RankedRow>(sql.rankedAfter, [key, period, prize, after.rank, after.id, size]);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < size) return;
    after = { rank: last.rank, id: last.id };
    size = CHUNK;
  }
}

/**
 * SU-9, SU-10, SU-12 for one entry the walk reached, as of the draw: the operator's exclusion first,
 * then the configured ones in order; the key of the first that holds.
 */
async function exclusionOf(q: Queryable, definition: SweepstakesDefinition, entry: sql.RankedRow, drawAt: Temporal.Instant): Promise<string | undefined> {
  if (entry.excluded_reason !== null) return operatorExclusion;
  const applicable = definition.draw.exclusions.filter((e) => !e.prizes || e.prizes.includes(entry.prize));
  if (applicable.length === 0) return undefined;
  const context = celContext(await exclusionFacts(q, definition, entry, drawAt));
  return applicable.find((exclusion) => exclusionCondition(exclusion.when, exclusion.key).evaluate(context).ok)?.key;
}

async function exclusionFacts(q: Queryable, definition: SweepstakesDefinition, entry: sql.RankedRow, drawAt: Temporal.Instant) {
  const member = await getMember(q, entry.member_id);
  const status = await getStatus(q, entry.member_id);
  const active = isMemberAt(await listMemberships(q, entry.member_id), drawAt);
  const bill = await billFor(q, entry.member_id, entry.period);
  return {
    member: { id: entry.member_id, active, status: status?.tier, attributes: member?.attributes ?? {} },
    entry: { id: entry.id, prize: entry.prize, period: entry.period, channel: entry.channel, enteredAt: entry.entered_at },
    bill: bill ? { amountMinor: bill.amountMinor, currency: bill.currency } : {},
    transactionValue: definition.legal.transactionValueMinor,
    drawAt,
  };
}

function resultRows(tiers: readonly TierReport[]) {
  return tiers.flatMap((tier) => [
    ...tier.winners.map((w, i) => ({ member: w.member, entry: w.entry, prize: tier.prize, outcome: 'winner', place: i + 1, exclusion: null })),
    ...tier.alternates.map((a, i) => ({ member: a.member, entry: a.entry, prize: tier.prize, outcome: 'alternate', place: tier.winners.length + i + 1, exclusion: null })),
    ...tier.excluded.map((e) => ({ member: e.member, entry: e.entry, prize: tier.prize, outcome: 'excluded', place: null, exclusion: e.exclusion })),
  ]);
}

function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

export async function getDrawReport(q: Queryable, id: string): Promise<DrawReport | undefined> {
  const [row] = await q.query<sql.DrawRow>(sql.getDraw, [id]);
  return row?.report as DrawReport | undefined;
}

/** The draw of a period, if it ran: its id and the seed it revealed. */
export async function drawOfPeriod(q: Queryable, key: string, period: string): Promise<{ id: string; seed: string } | undefined> {
  const [row] = await q.query<sql.DrawRow>(sql.drawOfPeriod, [key, period]);
  return row && { id: row.id, seed: row.seed };
}
