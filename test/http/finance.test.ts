import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { statement } from '../../src/db/index.js';
import { adjust, as, call, describeApi, problemCode, programFromYaml, uniqueExternalId, type ApiContext } from '../support/api.js';
import { givenMemberLogIn, givenOperatorLogIn } from '../support/principals.js';

/**
 * Finance (#8): GET /v1/programs/{program}/liability on "liability-lab", a program of its own so
 * every figure is known: Tokyo time, a fiscal year from April, points that expire at the end of the
 * fiscal year they were earned in (FL-8 with yearsAfter 0), order points pending until shipment
 * (SR-3), partner credits (SR-7) and bill credit (FL-4).
 */
const labYaml = `key: liability-lab
name: Liability lab
timeZone: Asia/Tokyo
currency: JPY
pointValue: { points: 1, amountMinor: 1 }
fiscalYear: { startMonth: 4 }
expiry: { policy: fiscal_year_end, yearsAfter: 0 }
earning:
  creditOn: shipment
  spend:
    - { id: base, points: 1, per: 100, amounts: [price], rounding: floor }
  partners:
    - { id: card, name: Lab card }
redemption:
  billCredit: { step: 1, monthlyCap: 100000 }
`;

const LAB = 'liability-lab';
const report = (ctx: ApiContext, query: string, headers: Record<string, string> = {}) =>
  call(ctx.app, 'GET', `/v1/programs/${LAB}/liability${query}`, undefined, headers);

interface MonthView {
  month: string;
  final: boolean;
  openingOutstanding: number;
  openingPending: number;
  issued: number;
  redeemed: number;
  expired: number;
  forfeited: number;
  adjusted: number;
  held: number;
  confirmed: number;
  cancelled: number;
  outstanding: number;
  pending: number;
  start: string;
  end: string;
}

const labMembers = statement('test.liabilityLabMembers', `select member_id from members where program_key = $1`);

const none = { issued: 0, redeemed: 0, expired: 0, forfeited: 0, adjusted: 0, held: 0, confirmed: 0, cancelled: 0 };

describeApi(
  'finance: points liability by month',
  (ctx) => {
    let sequence = 0;
    const eventId = () => `liab-${process.pid}-${(sequence += 1)}`;
    const jst = (local: string) => `${local}:00+09:00`;
    const moveTo = async (local: string) => {
      const moved = await call(ctx.app, 'POST', '/v1/test-clock', { now: jst(local) });
      assert.equal(moved.statusCode, 200, moved.body);
      return moved.json<{ jobs: { job: string; counts: Record<string, number> }[] }>().jobs;
    };
    const send = async (type: string, externalId: string, data: Record<string, unknown>) => {
      const events = [{ id: eventId(), type, member: { externalId }, occurredAt: ctx.clock.now().toString(), data }];
      const response = await call(ctx.app, 'POST', `/v1/programs/${LAB}/events`, { events });
      assert.equal(response.statusCode, 200, response.body);
      const [result] = response.json<{ results: { status: string; points?: number }[] }>().results;
      assert.equal(result?.status, 'applied', response.body);
      return result?.points;
    };
    const redeem = async (memberId: string, points: number) => {
      const response = await call(ctx.app, 'POST', `/v1/members/${memberId}/redemptions`, { kind: 'bill_credit', points }, { 'idempotency-key': eventId() });
      assert.equal(response.statusCode, 201, response.body);
    };
    const enrolLab = async () => {
      const externalId = uniqueExternalId('liab');
      const created = await call(ctx.app, 'POST', `/v1/programs/${LAB}/members`, { externalId });
      assert.equal(created.statusCode, 201, created.body);
      return { id: created.json<{ id: string }>().id, externalId };
    };
    let expiredByJob = 0;

    // January to April 2026 in Tokyo, across the end of fiscal 2025 (March 31, 24:00).
    before(async () => {
      const [m1, m2] = [await enrolLab(), await enrolLab()];
      await moveTo('2026-01-10T10:00');
      assert.equal(await send('partner.earned', m1.externalId, { partner: 'card', points: 1000, reference: 'jan' }), 1000);
      assert.equal(await send('order.placed', m2.externalId, { orderId: 'L-1', currency: 'JPY', lines: [{ sku: 'ROUTER', quantity: 1, unitPrice: 30_000 }] }), 300);
      assert.equal((await adjust(ctx.app, m2.id, 200, eventId())).statusCode, 201);

      await moveTo('2026-02-10T10:00');
      await redeem(m1.id, 400);
      await send('order.shipped', m2.externalId, { orderId: 'L-1' });

      await moveTo('2026-03-10T10:00');
      assert.equal((await adjust(ctx.app, m1.id, -100, eventId())).statusCode, 201);
      assert.equal(await send('partner.earned', m1.externalId, { partner: 'card', points: 50, reference: 'mar' }), 50);

      // The nightly expiry at April 1, 00:00 (the clock passes it) takes every point of fiscal 2025.
      const jobs = await moveTo('2026-04-10T10:00');
      expiredByJob = jobs.filter((j) => j.job === 'expire').reduce((sum, j) => sum + (j.counts.points ?? 0), 0);
      assert.equal(await send('partner.earned', m1.externalId, { partner: 'card', points: 700, reference: 'apr' }), 700);
      assert.equal(await send('order.placed', m1.externalId, { orderId: 'L-2', currency: 'JPY', lines: [{ sku: 'CABLE', quantity: 1, unitPrice: 10_000 }] }), 100);
      await redeem(m1.id, 200);
    });

    it('states every month of a known history exactly, and each month reconciles', async () => {
      assert.equal(expiredByJob, 1050, 'the expire job took 550 of M1 and 500 of M2');
      const response = await report(ctx, '?from=2026-01&to=2026-04');
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const body = response.json<{ months: MonthView[] } & Record<string, unknown>>();
      const months = body.months.map(({ start: _start, end: _end, ...m }) => m);
      assert.deepEqual(months, [
        { month: '2026-01', final: true, openingOutstanding: 0, openingPending: 0, ...none, issued: 1000, adjusted: 200, held: 300, outstanding: 1200, pending: 300 },
        { month: '2026-02', final: true, openingOutstanding: 1200, openingPending: 300, ...none, issued: 300, redeemed: 400, confirmed: 300, outstanding: 1100, pending: 0 },
        { month: '2026-03', final: true, openingOutstanding: 1100, openingPending: 0, ...none, issued: 50, adjusted: -100, outstanding: 1050, pending: 0 },
        { month: '2026-04', final: false, openingOutstanding: 1050, openingPending: 0, ...none, issued: 700, redeemed: 200, expired: 1050, held: 100, outstanding: 500, pending: 100 },
      ]);
      assert.deepEqual(
        body.months.map((m) => [m.start, m.end]),
        [
          ['2025-12-31T15:00:00Z', '2026-01-31T15:00:00Z'],
          ['2026-01-31T15:00:00Z', '2026-02-28T15:00:00Z'],
          ['2026-02-28T15:00:00Z', '2026-03-31T15:00:00Z'],
          ['2026-03-31T15:00:00Z', '2026-04-30T15:00:00Z'],
        ],
      );
      let previous = { outstanding: 0, pending: 0 };
      for (const m of body.months) {
        assert.equal(m.openingOutstanding, previous.outstanding, `${m.month} opens where the month before closed`);
        assert.equal(m.outstanding, m.openingOutstanding + m.issued - m.redeemed - m.expired - m.forfeited + m.adjusted, `${m.month} reconciles`);
        assert.equal(m.pending, m.openingPending + m.held - m.confirmed - m.cancelled, `${m.month} pending reconciles`);
        previous = m;
      }
      const { months: _months, ...rest } = body;
      assert.deepEqual(rest, {
        program: LAB,
        timeZone: 'Asia/Tokyo',
        from: '2026-01',
        to: '2026-04',
        asOf: '2026-04-10T01:00:00Z',
        opening: { outstanding: 0, pending: 0 },
        totals: { issued: 2050, redeemed: 600, expired: 1050, forfeited: 0, adjusted: 100, held: 400, confirmed: 300, cancelled: 0 },
        closing: { outstanding: 500, pending: 100 },
        breakageRate: { numerator: 1050, denominator: 1650 },
        // Fiscal 2026's points (700 − 200 spent) expire when April 2027 begins in Tokyo.
        expiring: [{ month: '2027-04', points: 500 }],
        neverExpiring: 0,
      });
      const balances = await Promise.all((await members()).map(async (id) => (await call(ctx.app, 'GET', `/v1/members/${id}/balance`)).json<{ available: number; pending: number }>()));
      assert.deepEqual(
        balances.reduce((sum, b) => ({ outstanding: sum.outstanding + b.available, pending: sum.pending + b.pending }), { outstanding: 0, pending: 0 }),
        { outstanding: 500, pending: 100 },
        "the closing balances are the members' balances",
      );
    });

    it('at the end of March, forecasts the fiscal year end expiry that April then books', async () => {
      const march = (await report(ctx, '?from=2026-03&to=2026-03')).json();
      assert.equal(march.asOf, '2026-03-31T15:00:00Z');
      assert.deepEqual(march.opening, { outstanding: 1100, pending: 0 });
      assert.deepEqual(march.expiring, [{ month: '2026-04', points: 1050 }]);
      assert.equal(march.breakageRate, null, 'nothing was redeemed, expired or forfeited in March');
      const wide = (await report(ctx, '?from=2026-01&to=2026-04')).json();
      assert.deepEqual(march.months[0], wide.months[2], 'a closed month reads the same in any range');
    });

    it('answers Accept: text/csv with the same report as CSV', async () => {
      const response = await report(ctx, '?from=2026-01&to=2026-04', { accept: 'text/csv' });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^text\/csv/);
      assert.equal(response.headers['content-disposition'], 'attachment; filename="liability-liability-lab-2026-01-2026-04.csv"');
      assert.equal(
        response.body,
        [
          'month,final,opening_outstanding,issued,redeemed,expired,forfeited,adjusted,outstanding,opening_pending,held,confirmed,cancelled,pending,expiring',
          '2026-01,true,0,1000,0,0,0,200,1200,0,300,0,0,300,0',
          '2026-02,true,1200,300,400,0,0,0,1100,300,0,300,0,0,0',
          '2026-03,true,1100,50,0,0,0,-100,1050,0,0,0,0,0,0',
          '2026-04,false,1050,700,200,1050,0,0,500,0,100,0,0,100,0',
          '2027-04,,,,,,,,,,,,,,500',
          'never,,,,,,,,,,,,,,0',
          '',
        ].join('\r\n'),
      );
      const json = await report(ctx, '?from=2026-01&to=2026-04', { accept: 'application/json, text/csv;q=0.5' });
      assert.match(String(json.headers['content-type']), /^application\/json/, 'JSON when the client ranks it first');
    });

    it('refuses bad periods and unknown programs with stable codes', async () => {
      const cases: [string, number, string, RegExp][] = [
        ['?from=2026-1&to=2026-04', 400, 'invalid_request', /querystring\.from/],
        ['?from=2026-13&to=2026-14', 400, 'invalid_request', /querystring\.from/],
        ['?from=2026-01', 400, 'invalid_request', /querystring\.to/],
        ['?from=2026-01&to=2026-04&extra=1', 400, 'invalid_request', /querystring\.extra/],
        ['?from=2026-04&to=2026-01', 400, 'invalid_request', /querystring\.from: 2026-04 is after to \(2026-01\)/],
        ['?from=2023-01&to=2026-01', 400, 'invalid_request', /37 months .* at most 36/],
        ['?from=2026-04&to=2026-05', 400, 'invalid_request', /2026-05 has not begun; the current month is 2026-04/],
      ];
      for (const [query, status, code, detail] of cases) {
        const response = await report(ctx, query);
        assert.equal(response.statusCode, status, `${query}: ${response.body}`);
        assert.equal(problemCode(response), code, query);
        assert.match(response.json().detail, detail, query);
      }
      assert.equal((await report(ctx, '?from=2023-02&to=2026-01')).statusCode, 200, '36 months is allowed');
      const unknown = await call(ctx.app, 'GET', '/v1/programs/no-such-program/liability?from=2026-01&to=2026-02');
      assert.equal(unknown.statusCode, 404);
      assert.equal(problemCode(unknown), 'unknown_program');
    });

    it('is for finance and admin operators only', async () => {
      const finance = await givenOperatorLogIn(ctx, 'finance');
      assert.equal((await report(ctx, '?from=2026-01&to=2026-01', as(finance.token))).statusCode, 200);
      const support = await givenOperatorLogIn(ctx, 'support');
      const refused = await report(ctx, '?from=2026-01&to=2026-01', as(support.token));
      assert.deepEqual([refused.statusCode, problemCode(refused)], [403, 'forbidden']);
      const member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Fumi Finance', email: 'fumi.finance@example.jp' });
      const asMember = await call(ctx.app, 'GET', `/v1/programs/${member.program}/liability?from=2026-01&to=2026-01`, undefined, as(member.token));
      assert.deepEqual([asMember.statusCode, problemCode(asMember)], [403, 'forbidden']);
      const anonymous = await report(ctx, '?from=2026-01&to=2026-01', as(null));
      assert.deepEqual([anonymous.statusCode, problemCode(anonymous)], [401, 'unauthorized']);
    });

    async function members(): Promise<string[]> {
      const rows = await ctx.db.query<{ member_id: string }>(labMembers, [LAB]);
      return rows.map((r) => r.member_id);
    }
  },
  { start: '2026-01-05T10:00:00+09:00', extraPrograms: () => [programFromYaml(LAB, labYaml)] },
);
