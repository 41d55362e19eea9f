import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { describeStorage } from '../../test/support/databases.js';
import { cancel, confirm, credit, debit, forfeit, hold, newMemberId, reverse } from '../../test/support/ledger-fixtures.js';
import { expireDueChunk, openAccount, post, programLiability, type Liability, type LiabilityMonth } from './index.js';

const PROGRAM = 'liability-ledger';
const OTHER = 'liability-other';
const ZONE = 'Asia/Tokyo';
const jst = (local: string) => Temporal.ZonedDateTime.from(`${local}[${ZONE}]`).toInstant();

/** E1 expires when February begins in Tokyo; E2 at the end of fiscal 2026 (FL-8: April 1, 00:00). */
const E1 = jst('2026-02-01T00:00');
const E2 = jst('2027-04-01T00:00');
const NOW = jst('2026-03-15T12:00');

async function givenMember(db: Queryable, program = PROGRAM): Promise<string> {
  const member = newMemberId();
  await openAccount(db, member, program, jst('2025-12-01T00:00'));
  return member;
}

/** The figures of one month without its span, as the assertions state them. */
function figures(month: LiabilityMonth | undefined) {
  assert.ok(month, 'the month is reported');
  const { start: _start, end: _end, ...rest } = month;
  return rest;
}

/**
 * Every kind of transaction, at known instants in Tokyo, over December 2025 (the opening) to
 * March 2026: credits from several program accounts, a hold confirmed in part and cancelled in
 * part, debits, the expiry job, a refund into an expired bucket, a credit reversed out of expired
 * points, a forfeit reversed in part, operator adjustments both ways, a clawback into a negative
 * balance, and a member of another program who must not count.
 */
describeStorage('ledger: points liability by month', (ctx) => {
  before(async () => {
    const { db } = ctx;
    const [a, b, c, outsider] = [await givenMember(db), await givenMember(db), await givenMember(db), await givenMember(db, OTHER)];
    await post(db, credit(a, 500), jst('2025-12-20T10:00'));
    const earned = await post(db, credit(a, 1000, { expiresAt: E1 }), jst('2026-01-10T10:00'));
    const spent = await post(db, debit(a, 300), jst('2026-01-20T10:00'));
    // 23:30 on January 31 in Tokyo is still January there (14:30 UTC).
    const held = await post(db, hold(a, 200), jst('2026-01-31T23:30'));
    await post(db, credit(b, 400, { expiresAt: E2, counter: 'program:bonus' }), jst('2026-01-05T10:00'));
    const cLot = await post(db, credit(c, 100), jst('2026-01-08T10:00'));
    await post(db, debit(c, 100), jst('2026-01-09T10:00'));
    await post(db, credit(outsider, 999), jst('2026-01-11T10:00'));

    // The nightly job at February's first instant: A's 700 left in E1 expire, booked in February.
    assert.equal((await expireDueChunk(db, E1, undefined, 1000)).points, 700);
    // A refund of 100 of the debit, whose bucket has expired since: the points come back expired.
    await post(db, reverse(a, spent.transactionId, { points: 100 }), jst('2026-02-05T10:00'));
    await post(db, confirm(a, held.transactionId, { points: 150, expiresAt: E2 }), jst('2026-02-10T10:00'));
    await post(db, cancel(a, held.transactionId), jst('2026-02-11T10:00'));
    const forfeited = await post(db, forfeit(b), jst('2026-02-15T10:00'));

    await post(db, credit(a, 80, { expiresAt: E2, counter: 'program:adjusted', kind: 'adjustment' }), jst('2026-03-01T10:00'));
    await post(db, debit(a, 30, { counter: 'program:adjusted', kind: 'adjustment' }), jst('2026-03-02T10:00'));
    // Taking back 200 of the expired credit: they come out of program:expired, not the member's points.
    await post(db, reverse(a, earned.transactionId, { points: 200 }), jst('2026-03-03T10:00'));
    await post(db, reverse(b, forfeited.transactionId, { points: 100 }), jst('2026-03-05T10:00'));
    await post(db, credit(b, 50, { counter: 'program:partner:card' }), jst('2026-03-06T10:00'));
    await post(db, reverse(c, cLot.transactionId, { allowNegative: true }), jst('2026-03-10T10:00'));
  });

  const report = (from: string, to: string, now = NOW): Promise<Liability> =>
    programLiability(ctx.db, { programKey: PROGRAM, timeZone: ZONE, from, to, now });

  it('states every month exactly: balances at its end and the flows that moved them', async () => {
    const liability = await report('2026-01', '2026-03');
    assert.deepEqual(liability.opening, { outstanding: 500, pending: 0 });
    assert.deepEqual(figures(liability.months[0]), {
      month: '2026-01', final: true, openingOutstanding: 500, openingPending: 0,
      issued: 1500, redeemed: 400, expired: 0, forfeited: 0, adjusted: 0, held: 200, confirmed: 0, cancelled: 0,
      outstanding: 1600, pending: 200,
    });
    assert.deepEqual(figures(liability.months[1]), {
      month: '2026-02', final: true, openingOutstanding: 1600, openingPending: 200,
      issued: 150, redeemed: -100, expired: 800, forfeited: 400, adjusted: 0, held: 0, confirmed: 150, cancelled: 50,
      outstanding: 650, pending: 0,
    });
    assert.deepEqual(figures(liability.months[2]), {
      month: '2026-03', final: false, openingOutstanding: 650, openingPending: 0,
      issued: -250, redeemed: 0, expired: -200, forfeited: -100, adjusted: 50, held: 0, confirmed: 0, cancelled: 0,
      outstanding: 750, pending: 0,
    });
    assert.equal(liability.months.length, 3);
    assert.deepEqual(liability.totals, { issued: 1400, redeemed: 300, expired: 600, forfeited: 300, adjusted: 50, held: 200, confirmed: 150, cancelled: 50 });
    assert.deepEqual(liability.closing, { outstanding: 750, pending: 0 });
    assert.equal(liability.asOf.toString(), NOW.toString(), 'the current month counts up to now');
    assert.equal(liability.months[0]?.start.toString(), '2025-12-31T15:00:00Z', 'months are Tokyo months');
  });

  it('forecasts what the buckets hold by the month they expire, and the points that never do', async () => {
    const now = await report('2026-01', '2026-03');
    // A: 200 in E2 (150 confirmed + 80 − 30), 500 never; B: 100 restored to E2, 50 never; C: negative, no lot.
    assert.deepEqual(now.expiring, [{ month: '2027-04', points: 300 }]);
    assert.equal(now.neverExpiring, 550);
    // As of the end of January: E1's 700 were still there, to expire in February.
    const january = await report('2026-01', '2026-01');
    assert.equal(january.asOf.toString(), E1.toString());
    assert.deepEqual(january.expiring, [{ month: '2026-02', points: 700 }, { month: '2027-04', points: 400 }]);
    assert.equal(january.neverExpiring, 500);
  });

  it('gives a closed month the same figures whatever the range and however late it is asked', async () => {
    const wide = await report('2026-01', '2026-03');
    const alone = await report('2026-02', '2026-02', jst('2026-09-01T00:00'));
    assert.deepEqual(alone.months[0], wide.months[1]);
    assert.deepEqual(alone.opening, { outstanding: 1600, pending: 200 });
  });

  it('reports an empty program as zeros, and counts no other program', async () => {
    const empty = await programLiability(ctx.db, { programKey: 'no-members', timeZone: ZONE, from: '2026-01', to: '2026-02', now: NOW });
    assert.deepEqual(empty.closing, { outstanding: 0, pending: 0 });
    assert.deepEqual(empty.months.map((m) => m.issued), [0, 0]);
    assert.deepEqual([empty.expiring, empty.neverExpiring], [[], 0]);
    const other = await programLiability(ctx.db, { programKey: OTHER, timeZone: ZONE, from: '2026-01', to: '2026-03', now: NOW });
    assert.deepEqual([other.totals.issued, other.closing.outstanding, other.neverExpiring], [999, 999, 999]);
  });
});
