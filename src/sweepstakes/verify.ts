import type { Queryable } from '../db/index.js';
import { getDrawReport, type DrawReport } from './draws.js';
import { byRank, commitmentOf, rankOf, walkTier } from './ranking.js';
import * as sql from './sql.js';

/**
 * Re-runs a draw from what it published: the seed, the commitment, every entry of the period (id
 * and prize) and the exclusions it recorded. Anyone holding the export can run this; the CLI
 * (`pointbook sweepstakes verify`) runs it on the database's copy.
 */
export interface PublishedDraw {
  seed: string;
  commitment: string;
  tiers: {
    prize: string;
    /** How many entries the draw counted for the prize; the published list must hold as many. */
    entries?: number;
    wanted: { winners: number; alternates: number };
    winners: { entry: string }[];
    alternates: { entry: string }[];
    excluded: { entry: string; exclusion: string }[];
  }[];
  /** Every entry of the period. */
  entries: { id: string; prize: string }[];
}

export interface Verification {
  ok: boolean;
  problems: string[];
}

export async function verifyDraw(draw: PublishedDraw): Promise<Verification> {
  const problems: string[] = [];
  if (commitmentOf(draw.seed) !== draw.commitment) problems.push('the seed does not hash to the published commitment');
  for (const tier of draw.tiers) {
    const ranked = draw.entries
      .filter((entry) => entry.prize === tier.prize)
      .map((entry) => ({ id: entry.id, rank: rankOf(draw.seed, entry.id) }))
      .sort(byRank);
    // An entry added to or dropped from the list below the winners would not change them; the count does.
    if (tier.entries !== undefined && tier.entries !== ranked.length) problems.push(`prize ${tier.prize}: the list holds ${ranked.length} entries, the draw counted ${tier.entries}`);
    const recorded = new Map(tier.excluded.map((e) => [e.entry, e.exclusion]));
    const again = await walkTier([ranked], tier.wanted, (entry) => recorded.get(entry.id));
    const same = (a: readonly { id: string }[], b: readonly { entry: string }[]) => a.length === b.length && a.every((e, i) => e.id === b[i]?.entry);
    if (!same(again.winners, tier.winners)) problems.push(`prize ${tier.prize}: the winners differ (recomputed ${again.winners.map((e) => e.id).join(', ') || 'none'})`);
    if (!same(again.alternates, tier.alternates)) problems.push(`prize ${tier.prize}: the alternates differ`);
    const reached = new Set(again.excluded.map((e) => e.entry.id));
    const unreached = tier.excluded.filter((e) => !reached.has(e.entry));
    if (unreached.length > 0) problems.push(`prize ${tier.prize}: exclusions of entries the draw never reached: ${unreached.map((e) => e.entry).join(', ')}`);
  }
  return { ok: problems.length === 0, problems };
}

/**
 * What a draw published, read back from the database: its report and every entry of its period
 * (id, prize, the member, what the draw decided), for `verify` and the export.
 */
export async function publishedDraw(q: Queryable, drawId: string): Promise<(Omit<PublishedDraw, 'entries'> & { report: DrawReport; entries: DrawEntryRow[] }) | undefined> {
  const report = await getDrawReport(q, drawId);
  if (!report) return undefined;
  const rows = await q.query<{ id: string; prize: string; member_id: string; outcome: string | null; exclusion: string | null }>(sql.drawEntries, [report.sweepstakes, report.period, drawId]);
  const entries = rows.map((r) => ({ id: r.id, prize: r.prize, member: r.member_id, outcome: r.outcome ?? 'not_drawn', exclusion: r.exclusion }));
  return { seed: report.seed, commitment: report.commitment, tiers: report.tiers, entries, report };
}

export interface DrawEntryRow {
  id: string;
  prize: string;
  member: string;
  outcome: string;
  exclusion: string | null;
}
