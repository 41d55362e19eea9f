import { createHash, createHmac } from 'node:crypto';

/**
 * The published draw algorithm (docs/sweepstakes.md), in one place for the draw and for anyone
 * verifying it:
 * - commitment = hex(SHA-256(seed)), published when the period opens, before any entry;
 * - rank(entry) = hex(HMAC-SHA256(key = seed, message = UTF-8 entry id));
 * - per prize tier, entries in ascending rank (ties, which need a SHA-256 collision, by id); walk
 *   them, skipping the excluded, until `winners` winners and then `alternates` alternates are found.
 * The seed is 32 random bytes, kept secret until the draw and then revealed with its report.
 */

export function commitmentOf(seedHex: string): string {
  return createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex');
}

export function rankOf(seedHex: string, entryId: string): string {
  return createHmac('sha256', Buffer.from(seedHex, 'hex')).update(entryId, 'utf8').digest('hex');
}

export function byRank(a: { rank: string; id: string }, b: { rank: string; id: string }): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface TierOutcome<E> {
  winners: E[];
  alternates: E[];
  /** With the exclusion's key, in the order the walk met them. */
  excluded: { entry: E; exclusion: string }[];
}

/**
 * Walks one tier's entries in rank order (read in chunks, so a draw over a million entries reads
 * only as far as it needs) and picks winners and alternates. `exclusionOf` is asked only for the
 * entries the walk reaches, and answers undefined for one that may win.
 */
export async function walkTier<E extends { id: string }>(
  chunks: AsyncIterable<readonly E[]> | Iterable<readonly E[]>,
  wanted: { winners: number; alternates: number },
  exclusionOf: (entry: E) => Promise<string | undefined> | string | undefined,
): Promise<TierOutcome<E>> {
  const outcome: TierOutcome<E> = { winners: [], alternates: [], excluded: [] };
  const full = () => outcome.winners.length >= wanted.winners && outcome.alternates.length >= wanted.alternates;
  if (full()) return outcome;
  for await (const chunk of chunks) {
    for (const entry of chunk) {
      const exclusion = await exclusionOf(entry);
      if (exclusion !== undefined) outcome.excluded.push({ entry, exclusion });
      else if (outcome.winners.length < wanted.winners) outcome.winners.push(entry);
      else outcome.alternates.push(entry);
      if (full()) return outcome;
    }
  }
  return outcome;
}
