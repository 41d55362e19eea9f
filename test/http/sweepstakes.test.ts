import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startSession } from '../../src/accounts/sessions.js';
import { publishedDraw, verifyDraw } from '../../src/sweepstakes/index.js';
import { as, call, describeApi, enrol, problemCode, uniqueExternalId, type ApiContext } from '../support/api.js';

/**
 * SU end to end through the API, on the example definition
 * (examples/programs/sonet/sweepstakes/status-up-present.yaml): statuses from the status job, the
 * SU-5 invitation over SMTP, entries and their refusals, the participation reward, the draw with
 * SU-9/SU-10 exclusions, the award on the 13th, and the draw verified again from its seed.
 */

const KEY = 'status-up-present';
const JAPAN = { 'x-pointbook-client-country': 'JP' };
const address = { postalCode: '141-0032', region: '東京都', locality: '品川区', line1: '大崎1-1-1' };

interface Person {
  id: string;
  externalId: string;
  email: string;
}

async function person(ctx: ApiContext, joinedAt: string, extra: Record<string, unknown> = {}): Promise<Person> {
  const email = `${uniqueExternalId('su')}@example.jp`;
  const externalId = uniqueExternalId('su');
  const id = await enrol(ctx.app, 'sonet', { externalId, joinedAt, email, name: 'ソネット 太郎', postalAddress: address, ...extra });
  return { id, externalId, email };
}

/** A fresh member session (sessions last 12 hours; the clock moves by months here). */
async function sessionOf(ctx: ApiContext, who: Person): Promise<Record<string, string>> {
  const { token } = await startSession(ctx.db, { kind: 'member', id: who.id }, { now: ctx.clock.now() });
  return { ...as(token), ...JAPAN };
}

async function moveTo(ctx: ApiContext, now: string): Promise<void> {
  const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now });
  assert.equal(moved.statusCode, 200, moved.body);
}

async function enterAs(ctx: ApiContext, who: Person, body: Record<string, unknown>, headers?: Record<string, string>) {
  return call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/entries`, { member: who.id, ...body }, headers ?? (await sessionOf(ctx, who)));
}

async function bill(ctx: ApiContext, who: Person, month: string, amount: number, id: string) {
  const events = [{ id, type: 'bill.issued', occurredAt: '2024-05-05T00:00:00+09:00', member: { externalId: who.externalId }, data: { billingMonth: month, total: { amount, currency: 'JPY' } } }];
  const sent = await call(ctx.app, 'POST', '/v1/programs/sonet/events', { events });
  assert.equal(sent.statusCode, 200, sent.body);
}

describeApi(
  'sweepstakes: status-up present (SU)',
  (ctx) => {
    let star: Person; // 10 years in April 2024: status goes up to star (C–F)
    let superstar: Person; // 15+ years and the superstar mark: S every month
    let poorSuperstar: Person; // billed under 4,158 yen for April (SU-10)
    let newcomer: Person; // gold, no change: not eligible
    let leaver: Person; // enters, then leaves before the draw (SU-9)

    it('sets up statuses: March records them, April 1 records the status-ups', async () => {
      star = await person(ctx, '2014-04-10T10:00:00+09:00');
      superstar = await person(ctx, '2008-01-10T10:00:00+09:00', { attributes: { superstar: true } });
      poorSuperstar = await person(ctx, '2007-02-10T10:00:00+09:00', { attributes: { superstar: true } });
      newcomer = await person(ctx, '2023-06-01T10:00:00+09:00');
      leaver = await person(ctx, '2018-04-20T10:00:00+09:00'); // 6 years in April: diamond
      await moveTo(ctx, '2024-03-01T00:00:00+09:00');
      await moveTo(ctx, '2024-04-01T12:00:00+09:00');
      const status = (await call(ctx.app, 'GET', `/v1/members/${star.id}/status`)).json<{ tier: string; changes: { month: string; direction: string }[] }>();
      assert.equal(status.tier, 'star');
      assert.deepEqual(status.changes.at(-1), { ...status.changes.at(-1), month: '2024-04', direction: 'up' });
    });

    it('publishes the period commitment and refuses entries on the 1st (SU-3)', async () => {
      const info = (await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}`, undefined, as(null))).json<{ currentPeriod: { period: string; opensAt: string; seed: string | null } }>();
      assert.equal(info.currentPeriod.period, '2024-04');
      assert.equal(info.currentPeriod.opensAt, '2024-04-01T15:00:00Z', 'the 2nd at 00:00 JST');
      assert.equal(info.currentPeriod.seed, null, 'no seed before the draw');
      const early = await enterAs(ctx, superstar, { prize: 'S' });
      assert.equal(early.statusCode, 422, early.body);
      assert.equal(problemCode(early), 'window_closed');
    });

    it('mails the status-up member a personal entry link for the prizes their new status allows (SU-5)', async () => {
      const mail = await ctx.mailbox.waitFor(star.email, (m) => m.subject.includes('ステータスアップ'));
      assert.match(mail.subject, /【So-netおすすめ】ステータスアップ de ポイントプレゼントのご案内/u);
      assert.match(mail.text, /C・D・E・F/u, 'star: prizes C–F');
      assert.ok(!ctx.mailbox.received.some((m) => m.to.includes(newcomer.email)), 'no status-up, no invitation');
    });

    it('takes the entry through the personal link, snapshotting the address, and schedules the 10 pt for the next day (SU-5..SU-7)', async () => {
      await moveTo(ctx, '2024-04-02T00:00:00+09:00');
      const mail = await ctx.mailbox.waitFor(star.email, (m) => m.subject.includes('ステータスアップ'));
      const link = decodeURIComponent(/\/enter#token=([^\s]+)/u.exec(mail.text)?.[1] ?? '');
      assert.ok(link.startsWith('pbi_'), mail.text);

      const tooHigh = await enterAs(ctx, star, { prize: 'B', link });
      assert.equal(problemCode(tooHigh), 'not_eligible', tooHigh.body);
      assert.equal(tooHigh.json<{ gate: string }>().gate, 'prize-B');
      assert.match(tooHigh.json<{ detail: string }>().detail, /15年以上/u, 'in the member\'s language');

      const othersLink = await enterAs(ctx, leaver, { prize: 'D', link });
      assert.equal(problemCode(othersLink), 'entry_link_invalid', 'the link names its member');
      const tampered = await enterAs(ctx, star, { prize: 'C', link: `${link.slice(0, -2)}xx` });
      assert.equal(problemCode(tampered), 'entry_link_invalid');

      const entered = await enterAs(ctx, star, { prize: 'C', link });
      assert.equal(entered.statusCode, 201, entered.body);
      const entry = entered.json<{ channel: string; period: string; postalAddress: unknown; participationReward: { points: number; dueAt: string } }>();
      assert.equal(entry.channel, 'email');
      assert.equal(entry.period, '2024-04');
      assert.deepEqual(entry.postalAddress, address);
      assert.deepEqual(entry.participationReward, { points: 10, dueAt: '2024-04-02T15:00:00Z', transactionId: null });
    });

    it('refuses a second entry, records it, and keeps the first (SU-12, SU-13)', async () => {
      const again = await enterAs(ctx, star, { prize: 'D' });
      assert.equal(again.statusCode, 422);
      assert.equal(problemCode(again), 'already_entered');
      assert.equal(again.json<{ prize: string }>().prize, 'C');
      const data = (await call(ctx.app, 'GET', `/v1/members/${star.id}/personal-data`)).json<{ sections: { sweepstakes: { entries: unknown[]; refusals: { code: string }[] } } }>();
      assert.equal(data.sections.sweepstakes.entries.length, 1);
      assert.deepEqual(data.sections.sweepstakes.refusals.map((r) => r.code), ['already_entered']);
      const del = await ctx.app.inject({ method: 'DELETE', url: `/v1/sweepstakes/${KEY}/entries` });
      assert.equal(del.statusCode, 404, 'there is no way to cancel an entry');
    });

    it('gates prizes by status and channel, and refuses other countries and other members (SU-4, SU-5, SU-14, SU-11)', async () => {
      const gold = await enterAs(ctx, newcomer, { prize: 'F' });
      assert.equal(problemCode(gold), 'not_eligible');
      assert.equal(gold.json<{ gate: string }>().gate, 'eligibility');
      const sByLink = await enterAs(ctx, star, { prize: 'S' });
      assert.equal(problemCode(sByLink), 'not_eligible', 'S is for superstars');
      const session = await sessionOf(ctx, superstar);
      const abroad = await enterAs(ctx, superstar, { prize: 'S' }, { ...session, 'x-pointbook-client-country': 'US' });
      assert.equal(problemCode(abroad), 'country_not_allowed');
      const unknown = await enterAs(ctx, superstar, { prize: 'S' }, { authorization: session.authorization ?? '' });
      assert.equal(problemCode(unknown), 'country_not_allowed', 'no country header: could not be told');
      assert.equal(unknown.json<{ country: unknown }>().country, null);
      const forAnother = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/entries`, { member: star.id, prize: 'S' }, session);
      assert.equal(problemCode(forAnother), 'not_found', 'a member enters only for themselves');
      const operator = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/entries`, { member: superstar.id, prize: 'S' }, JAPAN);
      assert.equal(operator.statusCode, 403, 'operators do not enter for members');

      const options = (await call(ctx.app, 'GET', `/v1/members/${superstar.id}/sweepstakes`, undefined, session)).json<{ prizes: { key: string; allowed: boolean }[] }[]>();
      assert.deepEqual(options[0]?.prizes.filter((p) => p.allowed).map((p) => p.key), ['S']);

      for (const [who, prize] of [[superstar, 'S'], [poorSuperstar, 'S'], [leaver, 'D']] as const) {
        const entered = await enterAs(ctx, who, { prize });
        assert.equal(entered.statusCode, 201, entered.body);
        assert.equal(entered.json<{ channel: string }>().channel, 'web');
      }
    });

    it('credits the participation reward the day after entry (SU-7)', async () => {
      await moveTo(ctx, '2024-04-02T23:59:00+09:00');
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${star.id}/balance`)).json<{ available: number }>().available, 0);
      await moveTo(ctx, '2024-04-03T00:10:00+09:00');
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${star.id}/balance`)).json<{ available: number }>().available, 10);
    });

    it('flags members sharing an address as suspected duplicates, and excludes with a reason (SU-12)', async () => {
      const groups = (await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/duplicates?period=2024-04`)).json<{ matchedOn: string; entries: { memberId: string }[] }[]>();
      const byAddress = groups.find((g) => g.matchedOn === 'postal_address');
      assert.equal(byAddress?.entries.length, 4, 'every test entrant shares one address');
      const entries = (await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/entries?period=2024-04`)).json<{ items: { id: string; memberId: string }[] }>();
      assert.equal(entries.items.length, 4);
      const leaverEntry = entries.items.find((e) => e.memberId === leaver.id);
      assert.ok(leaverEntry);
      const bad = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/entries/${leaverEntry.id}/exclusion`, {});
      assert.equal(bad.statusCode, 400);
    });

    it('refuses an early draw, draws on the 1st of entry month + 2 with SU-9/SU-10 exclusions, and never twice (SU-8..SU-10)', async () => {
      await bill(ctx, superstar, '2024-04', 4158, 'bill-superstar-2024-04');
      await bill(ctx, poorSuperstar, '2024-04', 4157, 'bill-poor-2024-04');
      const left = await call(ctx.app, 'POST', '/v1/programs/sonet/events', { events: [{ id: `left-${leaver.id}`, type: 'member.left', occurredAt: '2024-05-20T00:00:00+09:00', member: { externalId: leaver.externalId }, data: {} }] });
      assert.equal(left.statusCode, 200, left.body);

      await moveTo(ctx, '2024-05-31T23:59:00+09:00');
      const early = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/draws`, { period: '2024-04' });
      assert.equal(early.statusCode, 409);
      assert.equal(problemCode(early), 'draw_too_early');

      await moveTo(ctx, '2024-06-01T10:00:00+09:00');
      const drawn = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/draws`, { period: '2024-04' });
      assert.equal(drawn.statusCode, 201, drawn.body);
      const report = drawn.json<{ id: string; seed: string; commitment: string; tiers: { prize: string; entries: number; winners: { member: string }[]; excluded: { member: string; exclusion: string }[] }[]; exclusions: Record<string, number> }>();
      const tier = (prize: string) => report.tiers.find((t) => t.prize === prize);
      assert.deepEqual(tier('S')?.winners.map((w) => w.member), [superstar.id], 'the superstar billed 4,158 yen wins S');
      assert.deepEqual(tier('S')?.excluded.map((e) => [e.member, e.exclusion]), [[poorSuperstar.id, 'premium-law-minimum-charge']]);
      assert.deepEqual(tier('C')?.winners.map((w) => w.member), [star.id]);
      assert.deepEqual(tier('D')?.excluded.map((e) => [e.member, e.exclusion]), [[leaver.id, 'left-before-draw']]);
      assert.deepEqual(report.exclusions, { 'premium-law-minimum-charge': 1, 'left-before-draw': 1 });

      const period = (await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/periods/2024-04`, undefined, as(null))).json<{ commitment: string; seed: string; drawId: string }>();
      assert.deepEqual(period, { ...period, commitment: report.commitment, seed: report.seed, drawId: report.id }, 'the seed is public after the draw');

      const again = await call(ctx.app, 'POST', `/v1/sweepstakes/${KEY}/draws`, { period: '2024-04' });
      assert.equal(problemCode(again), 'draw_already_run');
      const fetched = await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/draws/${report.id}`);
      assert.deepEqual(fetched.json(), report, 'the report is kept as drawn');
    });

    it('re-runs the draw from its published seed and entries and gets the same winners; a changed seed does not verify', async () => {
      const [draw] = await ctx.db.query<{ id: string }>({ name: 'test.draw', text: `select id from sweepstakes_draws where sweepstakes_key = $1 and period = '2024-04'` }, [KEY]);
      assert.ok(draw);
      const published = await publishedDraw(ctx.db, draw.id);
      assert.ok(published);
      assert.equal(published.entries.length, 4, 'every entry of the period is published, with its prize');
      assert.deepEqual(await verifyDraw(published), { ok: true, problems: [] });
      const byApi = await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/draws/${draw.id}/verification`);
      assert.equal(byApi.statusCode, 200, byApi.body);
      assert.deepEqual(byApi.json(), { drawId: draw.id, ok: true, problems: [], seed: published.seed, commitment: published.commitment, entries: 4 });
      const unknownDraw = await call(ctx.app, 'GET', `/v1/sweepstakes/${KEY}/draws/swd_unknown/verification`);
      assert.equal(unknownDraw.statusCode, 404);
      const file = join(mkdtempSync(join(tmpdir(), 'pointbook-draw-')), 'draw.json');
      writeFileSync(file, JSON.stringify({ ...published.report, entries: published.entries }));
      const verified = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweepstakes', 'verify', '--file', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(verified.stdout, /draw verified/u);
      const forgedWinner = published.tiers.map((t) => (t.prize === 'C' ? { ...t, winners: [{ entry: 'swe_forged', member: star.id }] } : t));
      writeFileSync(file, JSON.stringify({ ...published.report, tiers: forgedWinner, entries: published.entries }));
      const caught = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweepstakes', 'verify', '--file', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(caught.status, 1, caught.stdout);
      assert.match(caught.stdout, /prize C: the winners differ/u);
      const reordered = { ...published, tiers: published.tiers.map((t) => (t.prize === 'S' ? { ...t, excluded: [] } : t)) };
      assert.equal((await verifyDraw(reordered)).ok, false, 'dropping a recorded exclusion changes the winners');
      const forged = await verifyDraw({ ...published, seed: 'ab'.repeat(32) });
      assert.equal(forged.ok, false);
      assert.match(forged.problems[0] ?? '', /commitment/u);
      const sql = { name: 'test.tamper', text: `update sweepstakes_draws set report = '{}' where sweepstakes_key = $1` };
      await assert.rejects(ctx.db.query(sql, [KEY]), /immutable/u, 'a draw report cannot be changed');
    });

    it('credits the winners on the 13th, to the entering member id, and tells them (SU-8, SU-11)', async () => {
      await moveTo(ctx, '2024-06-12T23:00:00+09:00');
      const before = (await call(ctx.app, 'GET', `/v1/members/${superstar.id}/balance`)).json<{ available: number }>().available;
      assert.equal(before, 10, 'only the participation reward so far');
      await moveTo(ctx, '2024-06-13T00:10:00+09:00');
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${superstar.id}/balance`)).json<{ available: number }>().available, 50_010);
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${star.id}/balance`)).json<{ available: number }>().available, 3_010);
      assert.equal((await call(ctx.app, 'GET', `/v1/members/${poorSuperstar.id}/balance`)).json<{ available: number }>().available, 10);
      const notice = await ctx.mailbox.waitFor(superstar.email, (m) => m.subject.includes('当選'));
      assert.match(notice.text, /50,000ポイント/u);

      const mine = (await call(ctx.app, 'GET', `/v1/members/${superstar.id}/sweepstakes-entries`, undefined, await sessionOf(ctx, superstar))).json<{ prize: string; result: { status: string; drawId: string; awardTransactionId: string | null } }[]>();
      assert.equal(mine[0]?.result.status, 'won');
      assert.ok(mine[0]?.result.awardTransactionId);
      const theirs = (await call(ctx.app, 'GET', `/v1/members/${poorSuperstar.id}/sweepstakes-entries`)).json<{ result: { status: string; drawId: string; exclusion?: string } }[]>();
      assert.deepEqual(theirs[0]?.result, { status: 'excluded', drawId: mine[0]?.result.drawId, exclusion: 'premium-law-minimum-charge' });
      const other = await call(ctx.app, 'GET', `/v1/members/${superstar.id}/sweepstakes-entries`, undefined, await sessionOf(ctx, star));
      assert.equal(other.statusCode, 404, "another member's entries are not found");
    });

    it('refuses entries after the last period (SU-15)', async () => {
      await moveTo(ctx, '2024-07-02T00:00:00+09:00');
      const ended = await enterAs(ctx, superstar, { prize: 'S' });
      assert.equal(problemCode(ended), 'window_closed');
      assert.equal(ended.json<{ ended: boolean }>().ended, true);
    });
  },
  { start: '2024-02-20T00:00:00+09:00', mailbox: true },
);
