// RELIABILITY H1 and H2 on the draw algorithm itself (ranking.ts, verify.ts), without a database:
// where an entry stands in the entry order says nothing about its chance to win, and a published
// draw re-runs to the same winners while any change to its entries or seed is caught.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededRandom } from '../../test/support/ledger-fixtures.js';
import { newId } from '../ids.js';
import { byRank, commitmentOf, rankOf, walkTier } from './ranking.js';
import { verifyDraw, type PublishedDraw } from './verify.js';

const DRAWS = 10_000;
const ENTRIES = 40;
const WINNERS = 3;
/** χ² with 39 degrees of freedom exceeds this with probability 0.001 (RELIABILITY H1: p > 0.001). */
const CHI_SQUARE_P001_DF39 = 72.05;

/** A seed of 32 bytes from a seeded generator, so a failing set reproduces from its number. */
function seedFrom(rng: ReturnType<typeof seededRandom>): string {
  return Buffer.from(Array.from({ length: 32 }, () => rng.int(0, 255))).toString('hex');
}

/** The entry-order positions (0-based) of each draw's winners, over `DRAWS` draws of `ENTRIES` entries. */
async function winnerPositions(setSeed: number, rank: (seed: string, id: string) => string): Promise<number[]> {
  const rng = seededRandom(setSeed);
  const counts = new Array<number>(ENTRIES).fill(0);
  for (let draw = 0; draw < DRAWS; draw += 1) {
    // Ids are minted in entry order, as entries are: time-ordered, so position is also entry time.
    const ids = Array.from({ length: ENTRIES }, () => newId('swe'));
    const seed = seedFrom(rng);
    const ranked = ids.map((id) => ({ id, rank: rank(seed, id) })).sort(byRank);
    const { winners } = await walkTier([ranked], { winners: WINNERS, alternates: 0 }, () => undefined);
    for (const winner of winners) counts[ids.indexOf(winner.id)]! += 1;
  }
  return counts;
}

function chiSquare(observed: readonly number[]): number {
  const expected = observed.reduce((a, b) => a + b, 0) / observed.length;
  return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

describe('H1: a winner is as likely anywhere in the entry order', () => {
  for (const setSeed of [1, 2, 3]) {
    it(`seed set ${setSeed}: ${DRAWS.toLocaleString('en')} draws of ${WINNERS} from ${ENTRIES}: χ² below the p = 0.001 bound`, async () => {
      const counts = await winnerPositions(setSeed, rankOf);
      assert.equal(counts.reduce((a, b) => a + b, 0), DRAWS * WINNERS);
      const statistic = chiSquare(counts);
      assert.ok(statistic < CHI_SQUARE_P001_DF39, `χ² = ${statistic.toFixed(1)} ≥ ${CHI_SQUARE_P001_DF39}: winners by position ${counts.join(',')}`);
    });
  }

  it('catches a ranking that favours early entries (the test is not vacuous)', async () => {
    // A plausible mistake: ranking by the id itself, which is the entry order, so the first
    // entrants win every time.
    const counts = await winnerPositions(1, (_seed, id) => id);
    assert.ok(chiSquare(counts) > CHI_SQUARE_P001_DF39 * 100);
  });
});

describe('H2: a published draw re-runs to the same winners, and any change is caught', () => {
  const rng = seededRandom(42);
  const seed = seedFrom(rng);
  const entries = Array.from({ length: 200 }, (_, n) => ({ id: newId('swe'), prize: n % 4 === 0 ? 'S' : 'A' }));

  async function published(): Promise<PublishedDraw> {
    const tiers = [];
    for (const [prize, wanted] of [['S', { winners: 1, alternates: 1 }], ['A', { winners: 5, alternates: 5 }]] as const) {
      const ranked = entries.filter((e) => e.prize === prize).map((e) => ({ id: e.id, rank: rankOf(seed, e.id) })).sort(byRank);
      // The third-ranked entry of each tier was excluded at the draw.
      const third = ranked[2]?.id;
      const outcome = await walkTier([ranked], wanted, (e) => (e.id === third ? 'left-before-draw' : undefined));
      tiers.push({
        prize,
        entries: ranked.length,
        wanted,
        winners: outcome.winners.map((e) => ({ entry: e.id })),
        alternates: outcome.alternates.map((e) => ({ entry: e.id })),
        excluded: outcome.excluded.map((e) => ({ entry: e.entry.id, exclusion: e.exclusion })),
      });
    }
    return { seed, commitment: commitmentOf(seed), tiers, entries };
  }

  it('re-runs to identical winners, and the seed hashes to the commitment', async () => {
    assert.deepEqual(await verifyDraw(await published()), { ok: true, problems: [] });
  });

  it('catches another seed, even with its own matching commitment', async () => {
    const draw = await published();
    const other = randomBytes(32).toString('hex');
    assert.match((await verifyDraw({ ...draw, seed: other })).problems.join('\n'), /commitment/u);
    assert.match((await verifyDraw({ ...draw, seed: other, commitment: commitmentOf(other) })).problems.join('\n'), /winners differ/u);
  });

  it('catches one entry replaced, added or dropped', async () => {
    const draw = await published();
    const winner = draw.tiers[1]!.winners[0]!.entry;
    const replaced = draw.entries.map((e) => (e.id === winner ? { ...e, id: newId('swe') } : e));
    assert.match((await verifyDraw({ ...draw, entries: replaced })).problems.join('\n'), /prize A: the winners differ/u);
    const added = [...draw.entries, { id: newId('swe'), prize: 'S' }];
    assert.match((await verifyDraw({ ...draw, entries: added })).problems.join('\n'), /prize S: the list holds 51 entries, the draw counted 50/u);
    const loser = draw.entries.find((e) => e.prize === 'A' && !draw.tiers[1]!.winners.concat(draw.tiers[1]!.alternates).some((w) => w.entry === e.id) && !draw.tiers[1]!.excluded.some((x) => x.entry === e.id));
    const dropped = draw.entries.filter((e) => e !== loser);
    assert.match((await verifyDraw({ ...draw, entries: dropped })).problems.join('\n'), /prize A: the list holds 149 entries, the draw counted 150/u);
  });

  it('catches a recorded exclusion dropped or invented', async () => {
    const draw = await published();
    const noExclusion = { ...draw, tiers: draw.tiers.map((t) => ({ ...t, excluded: [] })) };
    assert.equal((await verifyDraw(noExclusion)).ok, false);
  });
});
