// RELIABILITY G3: one person behind several members, however they wrote their details. Entrants
// with unique details, and 2 % seeded twins whose email, phone or address is the same one written
// another way (width, case, +81, 〒, kanji numerals, 丁目/番/号, の, dashes): every twin is flagged
// on what it shares, and the precision of the report is printed.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { enrolMember, type PostalAddress } from '../members/index.js';
import { loadProgramFile, syncPrograms } from '../programs/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { seededRandom } from '../../test/support/ledger-fixtures.js';
import { enter, suspectedDuplicates, type SweepstakesDefinition } from './index.js';

// G3's 10,000 under npm run test:nightly; each entrant is an enrolment and an entry, so npm test keeps to 500.
const ENTRANTS = Number(process.env.POINTBOOK_G3_ENTRANTS ?? 500);
const TWINS = ENTRANTS / 50; // 2 %
const NOW = Temporal.Instant.from('2024-04-10T12:00:00+09:00');
const SEED = Number(process.env.POINTBOOK_G3_SEED ?? 7);

interface Details {
  email: string;
  phone: string;
  postalAddress: PostalAddress;
}

const kanji = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const kanjiOf = (n: number) => (n < 10 ? kanji[n]! : `${n >= 20 ? kanji[Math.floor(n / 10)] : ''}十${n % 10 ? kanji[n % 10] : ''}`);
const wide = (text: string) => text.replace(/[0-9A-Za-z@.-]/gu, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

/** Entrant n's own details: a distinct email, phone and block-lot-number address. */
function original(n: number): Details & { block: number; lot: number; no: number } {
  const block = 1 + (n % 9);
  const lot = 1 + (Math.floor(n / 9) % 30);
  const no = 1 + Math.floor(n / 270);
  return {
    email: `entrant${n}@example.jp`,
    phone: `090-${String(1000 + Math.floor(n / 100)).padStart(4, '0')}-${String(n % 10_000).padStart(4, '0')}`,
    postalAddress: { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: `大崎${block}-${lot}-${no}` },
    block,
    lot,
    no,
  };
}

/** A twin of entrant n: other details of its own, but one of n's written another way. */
function twin(n: number, kind: 'email' | 'phone' | 'postal_address', rng: ReturnType<typeof seededRandom>): Details {
  const o = original(n);
  const own = original(ENTRANTS + n);
  if (kind === 'email') return { ...own, email: rng.pick([o.email.toUpperCase(), wide(o.email), ` ${o.email} `]) };
  if (kind === 'phone') return { ...own, phone: rng.pick([o.phone.replace(/-/gu, ''), `+81 ${o.phone.slice(1).replace(/-/gu, ' ')}`, wide(o.phone)]) };
  const line1 = rng.pick([
    `大崎${kanjiOf(o.block)}丁目${kanjiOf(o.lot)}番${kanjiOf(o.no)}号`,
    `大崎${o.block}丁目${o.lot}番地${o.no}`,
    wide(`大崎${o.block}-${o.lot}-${o.no}`),
    `大崎${o.block}の${o.lot}の${o.no}`,
    `大崎 ${o.block}ー${o.lot}ー${o.no}`,
  ]);
  return { ...own, postalAddress: { ...o.postalAddress, postalCode: rng.pick(['〒1410032', '１４１－００３２', '141-0032']), line1 } };
}

async function entrant(db: Db, program: ReturnType<typeof loadProgramFile>, definition: SweepstakesDefinition, externalId: string, details: Details): Promise<string> {
  const { member } = await db.transaction((tx) =>
    enrolMember(tx, { program: program.key, externalId, joinedAt: Temporal.Instant.from('2010-01-10T10:00:00+09:00'), ...details }, { now: NOW, actor: 'test' }),
  );
  await enter(db, program, definition, { memberId: member.id, prize: 'F', country: { code: 'JP', by: 'test' } }, { now: NOW, actor: 'test:g3' });
  return member.id;
}

describeStorage('G3 duplicate persons across members, with Japanese normalisation', (storage) => {
  const program = loadProgramFile('examples/programs/sonet/program.yaml');
  const [example] = program.sweepstakes ?? [];
  assert.ok(example);
  // Every gate open: this file is about who is the same person, not SU-4's gates.
  const definition: SweepstakesDefinition = { ...example, eligibility: { ...example.eligibility, when: 'true' }, prizes: example.prizes.map((p) => ({ ...p, when: 'true' })) };
  const seeded = new Map<string, { of: string; kind: 'email' | 'phone' | 'postal_address' }>();

  before(async () => {
    await syncPrograms(storage.db, [program], NOW);
    const rng = seededRandom(SEED);
    const ids: string[] = [];
    for (let n = 0; n < ENTRANTS; n += 1) ids.push(await entrant(storage.db, program, definition, `g3-${n}`, original(n)));
    for (let t = 0; t < TWINS; t += 1) {
      const n = rng.int(0, ENTRANTS - 1);
      const kind = rng.pick(['email', 'phone', 'postal_address'] as const);
      const id = await entrant(storage.db, program, definition, `g3-twin-${t}`, twin(n, kind, rng));
      seeded.set(id, { of: ids[n]!, kind });
    }
  });

  it(`flags every seeded twin among ${ENTRANTS + TWINS} entrants with what it shares, and reports the precision`, async (t) => {
    const groups = await suspectedDuplicates(storage.db, definition.key, '2024-04');
    const missed = [...seeded].filter(([id, { of, kind }]) => !groups.some((g) => g.matchedOn === kind && g.entries.some((e) => e.memberId === id) && g.entries.some((e) => e.memberId === of)));
    assert.deepEqual(missed.map(([id, s]) => `${id} (${s.kind} of ${s.of})`), [], `seed ${SEED}: twins not flagged`);
    const seededGroup = (g: (typeof groups)[number]) => g.entries.some((e) => seeded.get(e.memberId)?.kind === g.matchedOn);
    const precision = groups.filter(seededGroup).length / groups.length;
    t.diagnostic(`G3 seed ${SEED}: ${seeded.size} twins, ${groups.length} groups flagged, precision ${(precision * 100).toFixed(1)} %`);
    assert.equal(precision, 1, `groups of entrants with unique details: ${JSON.stringify(groups.filter((g) => !seededGroup(g)))}`);
  });
});
