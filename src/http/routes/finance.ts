import { Type } from 'typebox';
import { csvLine } from '../../csv.js';
import { MAX_LIABILITY_MONTHS, programLiability, type Liability } from '../../ledger/index.js';
import type { App, AppDeps } from '../app.js';
import { programOrRefuse } from '../lookups.js';
import { Instant, nullable, problemRef } from '../schemas.js';

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, a month of the program time zone' });
const Points = (description: string) => Type.Integer({ description });

const flows = {
  issued: Points('Credited into available points (earned, granted, bonus, partner and sweepstakes credits, and holds confirmed), less credits reversed (returns, clawbacks)'),
  redeemed: Points('Spent (redemptions and other debits), less refunds'),
  expired: Points('Breakage by expiry, less expired points that a reversal took back'),
  forfeited: Points('Taken all at once when a contract ends (FL-10), less forfeits reversed'),
  adjusted: Points("Operators' adjustments, signed: credits less debits"),
  held: Points('Pending points recorded (earned on orders not yet shipped, SR-3)'),
  confirmed: Points('Pending points confirmed into available points (also counted in issued)'),
  cancelled: Points('Pending points cancelled (orders cancelled before shipment)'),
};

const Balances = Type.Object({
  outstanding: Points('Available points of all members (a clawback can leave a member negative; that counts)'),
  pending: Points('Pending points of all members'),
});

const LiabilityMonthView = Type.Object({
  month: Month,
  start: Instant,
  end: Instant,
  final: Type.Boolean({ description: 'The month has ended: its figures never change. Otherwise they run to now' }),
  openingOutstanding: Points('outstanding at the start of the month'),
  openingPending: Points('pending at the start of the month'),
  ...flows,
  outstanding: Points('Available points at the end of the month: openingOutstanding + issued − redeemed − expired − forfeited + adjusted'),
  pending: Points('Pending points at the end of the month: openingPending + held − confirmed − cancelled'),
});

const LiabilityView = Type.Object({
  program: Type.String(),
  timeZone: Type.String({ description: 'The program time zone, in which months are counted' }),
  from: Month,
  to: Month,
  asOf: { ...Instant, description: 'The report counts what was recorded before this instant: the end of `to`, or now while `to` is the current month' },
  opening: Balances,
  months: Type.Array(LiabilityMonthView),
  totals: Type.Object(flows, { description: 'The flows of all the months' }),
  closing: Balances,
  breakageRate: nullable(
    Type.Object(
      { numerator: Points('expired + forfeited'), denominator: Points('redeemed + expired + forfeited') },
      { description: 'Of the points that left members unadjusted in these months, the share that lapsed unused; null when the denominator is not positive' },
    ),
  ),
  expiring: Type.Array(Type.Object({ month: Month, points: Type.Integer() }), {
    description: 'Points in lots as of asOf, by the month in which they expire, earliest first; a month before asOf holds lots past their expiry that the nightly job has not swept yet',
  }),
  neverExpiring: Points('Points in lots that never expire, as of asOf'),
});

const description = `The program's points liability per month of its time zone, computed from the ledger's postings (never from cached balances). A transaction counts in the month in which the ledger recorded it, so a month that has ended never changes. Every flow is net of its reversals and may be negative. Each month reconciles: outstanding = openingOutstanding + issued − redeemed − expired − forfeited + adjusted, and pending = openingPending + held − confirmed − cancelled. An expiry at the end of a fiscal year (FL-8: March 31, 24:00 = April 1, 00:00) is booked in the month that begins then. Breakage rate: (expired + forfeited) ÷ (redeemed + expired + forfeited) over the months shown, as an integer ratio. At most ${MAX_LIABILITY_MONTHS} months; to may not be after the current month. With Accept: text/csv the same report is CSV (RFC 4180): one row per month with the columns of months (snake_case) and expiring, then a row per later month with only expiring, and a row "never" with neverExpiring.`;

const csvColumns = ['month', 'final', 'opening_outstanding', 'issued', 'redeemed', 'expired', 'forfeited', 'adjusted', 'outstanding', 'opening_pending', 'held', 'confirmed', 'cancelled', 'pending', 'expiring'] as const;

export function financeRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs/:program/liability',
    {
      schema: {
        tags: ['finance'],
        summary: 'Points liability by month: outstanding, pending, issued, redeemed, expired and expiring',
        description,
        params: Type.Object({ program: Type.String() }),
        querystring: Type.Object({ from: Month, to: Month }, { additionalProperties: false }),
        response: {
          200: {
            description: 'The report, as JSON or (Accept: text/csv) as CSV',
            content: {
              'application/json': { schema: LiabilityView },
              'text/csv': { schema: Type.String({ description: 'The same report as CSV (see the operation description)' }) },
            },
          },
          400: problemRef,
          401: problemRef,
          403: problemRef,
          404: problemRef,
        },
      },
    },
    async (request, reply) => {
      const program = programOrRefuse(deps, request.params.program);
      const { from, to } = request.query;
      const liability = await programLiability(deps.db, { programKey: program.key, timeZone: program.timeZone, from, to, now: deps.clock.now() });
      void reply.header('vary', 'accept');
      if (prefersCsv(request.headers.accept)) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="liability-${program.key}-${from}-${to}.csv"`)
          .send(liabilityCsv(liability));
      }
      return reply.type('application/json; charset=utf-8').send(liabilityView(program.key, program.timeZone, from, to, liability));
    },
  );
}

function liabilityView(program: string, timeZone: string, from: string, to: string, liability: Liability) {
  const { expired, forfeited, redeemed } = liability.totals;
  const denominator = redeemed + expired + forfeited;
  return {
    program,
    timeZone,
    from,
    to,
    asOf: liability.asOf.toString(),
    opening: liability.opening,
    months: liability.months.map((m) => ({ ...m, start: m.start.toString(), end: m.end.toString() })),
    totals: liability.totals,
    closing: liability.closing,
    breakageRate: denominator > 0 ? { numerator: expired + forfeited, denominator } : null,
    expiring: liability.expiring,
    neverExpiring: liability.neverExpiring,
  };
}

/** CSV when the client names text/csv and does not rank JSON (or anything) above it. */
function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const csv = ranges.find((r) => r.type === 'text/csv')?.q ?? 0;
  const json = Math.max(0, ...ranges.filter((r) => ['application/json', 'application/*', '*/*'].includes(r.type)).map((r) => r.q));
  return csv > 0 && csv >= json;
}

function liabilityCsv(liability: Liability): string {
  const rows = new Map<string, string[]>();
  const blanks = Array<string>(csvColumns.length - 2).fill('');
  for (const m of liability.months) {
    const cells = [m.final, m.openingOutstanding, m.issued, m.redeemed, m.expired, m.forfeited, m.adjusted, m.outstanding, m.openingPending, m.held, m.confirmed, m.cancelled, m.pending];
    rows.set(m.month, cells.map(String));
  }
  const expiring = new Map(liability.expiring.map((e) => [e.month, e.points]));
  const months = [...new Set([...rows.keys(), ...expiring.keys()])].sort();
  const lines = months.map((month) => csvLine([month, ...(rows.get(month) ?? blanks), String(expiring.get(month) ?? 0)]));
  return [csvLine(csvColumns), ...lines, csvLine(['never', ...blanks, String(liability.neverExpiring)])].join('');
}
