import { byRank, commitmentOf, rankOf, walkTier } from './ranking.js';

/**
 * Re-runs a draw from what it published: the seed, the commitment, every entry of the period (id
 * and prize) and the exclusions it recorded. Anyone holding the export can run this; the CLI
 * (`pointbook sweepstakes verify`) runs it on the database's copy.
 */
export interface PublishedDraw {
  seed: string;
  commitment: string;
  tiers: { prize: string; winners: { entry: string }[]; alternates: { entry: string }[]; excluded: { entry: string; exclusion: string }[] }[];
  /** Every entry of the period. */
  entries: { id: string; prize: string }[];
  /** Winners and alternates wanted per tier. */
  wanted: Record<string, { winners: number; alternates: number }>;
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
    const recorded = new Map(tier.excluded.map((e) => [e.entry, e.exclusion]));
    const wanted = draw.wanted[tier.prize] ?? { winners: tier.winners.length, alternates: tier.alternates.length };
    const again = await walkTier([ranked], wanted, async () => recorded);
    const same = (a: readonly { id: string }[], b: readonly { entry: string }[]) => a.length === b.length && a.every((e, i) => e.id === b[i]?.entry);
    if (!same(again.winners, tier.winners)) problems.push(`prize ${tier.prize}: the winners differ (recomputed ${again.winners.map((e) => e.id).join(', ') || 'none'})`);
    if (!same(again.alternates, tier.alternates)) problems.push(`prize ${tier.prize}: the alternates differ`);
    const reached = new Set(again.excluded.map((e) => e.entry.id));
    const unreached = tier.excluded.filter((e) => !reached.has(e.entry));
    if (unreached.length > 0) problems.push(`prize ${tier.prize}: exclusions of entries the draw never reached: ${unreached.map((e) => e.entry).join(', ')}`);
  }
  return { ok: problems.length === 0, problems };
}
