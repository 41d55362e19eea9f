/**
 * Checks a draw in the browser from what it published (docs/sweepstakes.md, hmac-sha256-rank/v1):
 * the seed hashes to the commitment, and re-ranking every entry of the period by
 * HMAC-SHA256(seed, entry id), skipping the recorded exclusions, gives the same winners and
 * alternates per prize. The same walk as `pointbook sweepstakes verify`, on WebCrypto.
 */
export interface PublishedTier {
  prize: string;
  wanted: { winners: number; alternates: number };
  winners: { entry: string }[];
  alternates: { entry: string }[];
  excluded: { entry: string; exclusion: string }[];
}

export type Problem = { code: 'commitment' } | { code: 'winners' | 'alternates' | 'unreached'; prize: string };

const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const bytes = (hexText: string) => new Uint8Array(hexText.match(/../gu)?.map((h) => parseInt(h, 16)) ?? []);

export async function verifyDraw(draw: { seed: string; commitment: string; tiers: PublishedTier[] }, entries: { id: string; prize: string }[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  const seed = bytes(draw.seed);
  if (hex(await crypto.subtle.digest('SHA-256', seed)) !== draw.commitment) problems.push({ code: 'commitment' });
  const key = await crypto.subtle.importKey('raw', seed, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const encoder = new TextEncoder();
  for (const tier of draw.tiers) {
    const ranked = await Promise.all(
      entries.filter((e) => e.prize === tier.prize).map(async (e) => ({ id: e.id, rank: hex(await crypto.subtle.sign('HMAC', key, encoder.encode(e.id))) })),
    );
    ranked.sort((a, b) => (a.rank !== b.rank ? (a.rank < b.rank ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const recorded = new Set(tier.excluded.map((e) => e.entry));
    const again = walk(ranked, tier.wanted, recorded);
    const same = (a: string[], b: { entry: string }[]) => a.length === b.length && a.every((id, i) => id === b[i]?.entry);
    if (!same(again.winners, tier.winners)) problems.push({ code: 'winners', prize: tier.prize });
    if (!same(again.alternates, tier.alternates)) problems.push({ code: 'alternates', prize: tier.prize });
    if (tier.excluded.some((e) => !again.reached.has(e.entry))) problems.push({ code: 'unreached', prize: tier.prize });
  }
  return problems;
}

function walk(ranked: { id: string }[], wanted: { winners: number; alternates: number }, excluded: Set<string>) {
  const out = { winners: [] as string[], alternates: [] as string[], reached: new Set<string>() };
  for (const { id } of ranked) {
    if (out.winners.length >= wanted.winners && out.alternates.length >= wanted.alternates) break;
    out.reached.add(id);
    if (excluded.has(id)) continue;
    if (out.winners.length < wanted.winners) out.winners.push(id);
    else out.alternates.push(id);
  }
  return out;
}
