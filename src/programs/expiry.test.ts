import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { expiresAtFor, fiscalYearEnd, fiscalYearOf, type ProgramCalendar, type ProgramExpiry } from './expiry.js';

const at = (text: string) => Temporal.Instant.from(text);

const tokyoApril: ProgramCalendar = { timeZone: 'Asia/Tokyo', fiscalYear: { startMonth: 4 } };
const tokyoJanuary: ProgramCalendar = { timeZone: 'Asia/Tokyo' };
const losAngeles: ProgramCalendar = { timeZone: 'America/Los_Angeles' };
const flets: ProgramExpiry = { ...tokyoApril, expiry: { policy: 'fiscal_year_end', yearsAfter: 2 } };

/** The ledger's rule: a lot is expired when expiresAt <= now. */
function isExpired(expiresAt: Temporal.Instant | undefined, now: Temporal.Instant): boolean {
  return expiresAt !== undefined && Temporal.Instant.compare(expiresAt, now) <= 0;
}

describe('fiscalYearOf', () => {
  const cases: { name: string; program: ProgramCalendar; instant: string; fiscalYear: number }[] = [
    { name: 'FL-8 the last second of March JST is still FY2025', program: tokyoApril, instant: '2026-03-31T23:59:59+09:00', fiscalYear: 2025 },
    { name: 'FL-8 April 1 00:00 JST starts FY2026', program: tokyoApril, instant: '2026-04-01T00:00:00+09:00', fiscalYear: 2026 },
    { name: 'FL-8 the zone decides, not UTC (March 31 in UTC, April 1 in Tokyo)', program: tokyoApril, instant: '2026-03-31T15:00:00Z', fiscalYear: 2026 },
    { name: 'FL-8 January belongs to the fiscal year that started the April before', program: tokyoApril, instant: '2026-01-15T12:00:00+09:00', fiscalYear: 2025 },
    { name: 'start month 1: the fiscal year is the calendar year', program: tokyoJanuary, instant: '2025-01-01T00:00:00+09:00', fiscalYear: 2025 },
    { name: 'start month 1: December 31 is the year before', program: tokyoJanuary, instant: '2024-12-31T23:59:59+09:00', fiscalYear: 2024 },
    { name: 'start month 1: New Year in Tokyo while still December 31 in UTC', program: tokyoJanuary, instant: '2024-12-31T15:00:00Z', fiscalYear: 2025 },
    { name: 'America/Los_Angeles: still 2024 there at 2025-01-01T05:00Z', program: losAngeles, instant: '2025-01-01T05:00:00Z', fiscalYear: 2024 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(fiscalYearOf(c.program, at(c.instant)), c.fiscalYear));
  }
});

describe('fiscalYearEnd', () => {
  const cases: { name: string; program: ProgramCalendar; fiscalYear: number; endsAt: string }[] = [
    { name: 'FL-8 FY2025 (April start) ends at 2026-04-01 00:00 JST', program: tokyoApril, fiscalYear: 2025, endsAt: '2026-03-31T15:00:00Z' },
    { name: 'start month 1: FY2025 ends at 2026-01-01 00:00 JST', program: tokyoJanuary, fiscalYear: 2025, endsAt: '2025-12-31T15:00:00Z' },
    { name: 'America/Los_Angeles, January start: PST (-08:00) midnight', program: losAngeles, fiscalYear: 2025, endsAt: '2026-01-01T08:00:00Z' },
    {
      name: 'America/Los_Angeles, April start: PDT (-07:00) midnight',
      program: { timeZone: 'America/Los_Angeles', fiscalYear: { startMonth: 4 } },
      fiscalYear: 2025,
      endsAt: '2026-04-01T07:00:00Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(fiscalYearEnd(c.program, c.fiscalYear).toString(), c.endsAt));
  }
});

describe('expiresAtFor', () => {
  const rolling = (program: ProgramCalendar, months: number, endOf?: 'day' | 'month'): ProgramExpiry => ({
    ...program,
    expiry: { policy: 'rolling_months', months, ...(endOf ? { endOf } : {}) },
  });
  const cases: { name: string; program: ProgramExpiry; earnedAt: string; expiresAt: string | undefined }[] = [
    { name: 'FL-8 earned 2025-05-10 (FY2025) expires at the end of FY2027: 2028-04-01 00:00 JST', program: flets, earnedAt: '2025-05-10T10:00:00+09:00', expiresAt: '2028-03-31T15:00:00Z' },
    { name: 'FL-8 earned in the last second of FY2025 expires with FY2025', program: flets, earnedAt: '2026-03-31T23:59:59+09:00', expiresAt: '2028-03-31T15:00:00Z' },
    { name: 'FL-8 earned in the first instant of FY2026 gets one more year', program: flets, earnedAt: '2026-04-01T00:00:00+09:00', expiresAt: '2029-03-31T15:00:00Z' },
    {
      name: 'fiscal_year_end with yearsAfter 0 expires at the end of the fiscal year earned',
      program: { ...tokyoApril, expiry: { policy: 'fiscal_year_end', yearsAfter: 0 } },
      earnedAt: '2025-05-10T10:00:00+09:00',
      expiresAt: '2026-03-31T15:00:00Z',
    },
    {
      name: 'fiscal_year_end with start month 1 ends at New Year',
      program: { ...tokyoJanuary, expiry: { policy: 'fiscal_year_end', yearsAfter: 1 } },
      earnedAt: '2025-05-10T10:00:00+09:00',
      expiresAt: '2026-12-31T15:00:00Z',
    },
    { name: 'rolling: Jan 31 + 1 month is Feb 28, so it expires as March 1 starts', program: rolling(tokyoJanuary, 1), earnedAt: '2025-01-31T12:00:00+09:00', expiresAt: '2025-02-28T15:00:00Z' },
    { name: 'rolling: Jan 31 + 1 month in a leap year is Feb 29', program: rolling(tokyoJanuary, 1), earnedAt: '2024-01-31T12:00:00+09:00', expiresAt: '2024-02-29T15:00:00Z' },
    { name: 'rolling: Mar 31 + 1 month is Apr 30', program: rolling(tokyoJanuary, 1), earnedAt: '2025-03-31T12:00:00+09:00', expiresAt: '2025-04-30T15:00:00Z' },
    { name: 'rolling: Aug 31 + 6 months crosses the year to Feb 28', program: rolling(tokyoJanuary, 6), earnedAt: '2025-08-31T12:00:00+09:00', expiresAt: '2026-02-28T15:00:00Z' },
    { name: 'rolling: the earning day is the day in the zone (May 10 JST, May 9 UTC)', program: rolling(tokyoJanuary, 12), earnedAt: '2025-05-10T00:30:00+09:00', expiresAt: '2026-05-10T15:00:00Z' },
    { name: 'rolling, endOf month: valid through the month of earned + 12', program: rolling(tokyoJanuary, 12, 'month'), earnedAt: '2025-01-15T12:00:00+09:00', expiresAt: '2026-01-31T15:00:00Z' },
    { name: 'rolling, endOf month: December + 1 month crosses the year', program: rolling(tokyoJanuary, 1, 'month'), earnedAt: '2025-12-10T12:00:00+09:00', expiresAt: '2026-01-31T15:00:00Z' },
    { name: 'DST: earned in PST, expires at PDT midnight (-07:00)', program: rolling(losAngeles, 1), earnedAt: '2025-03-08T12:00:00-08:00', expiresAt: '2025-04-09T07:00:00Z' },
    { name: 'DST: earned in PDT, expires at PST midnight (-08:00)', program: rolling(losAngeles, 1), earnedAt: '2025-10-15T12:00:00-07:00', expiresAt: '2025-11-16T08:00:00Z' },
    { name: 'DST: the first 01:30 of the fall-back night', program: rolling(losAngeles, 1), earnedAt: '2025-11-02T01:30:00-07:00', expiresAt: '2025-12-03T08:00:00Z' },
    { name: 'DST: the second 01:30 of the fall-back night', program: rolling(losAngeles, 1), earnedAt: '2025-11-02T01:30:00-08:00', expiresAt: '2025-12-03T08:00:00Z' },
    {
      name: 'DST: where midnight is skipped (America/Santiago, 2024-09-08) the day starts at 01:00',
      program: rolling({ timeZone: 'America/Santiago' }, 1),
      earnedAt: '2024-08-07T12:00:00-04:00',
      expiresAt: '2024-09-08T04:00:00Z',
    },
    { name: 'none: points never expire', program: { ...tokyoApril, expiry: { policy: 'none' } }, earnedAt: '2025-05-10T10:00:00+09:00', expiresAt: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(expiresAtFor(c.program, at(c.earnedAt))?.toString(), c.expiresAt));
  }

  it('FL-8 a point earned 2025-05-10 is valid at 2028-03-31 23:59:59.999 JST and expired at 2028-04-01 00:00 JST', () => {
    const expiresAt = expiresAtFor(flets, at('2025-05-10T10:00:00+09:00'));
    assert.equal(isExpired(expiresAt, at('2028-03-31T23:59:59.999+09:00')), false);
    assert.equal(isExpired(expiresAt, at('2028-04-01T00:00:00+09:00')), true);
  });

  it('none: a point is never expired, however late', () => {
    const expiresAt = expiresAtFor({ ...tokyoApril, expiry: { policy: 'none' } }, at('2025-05-10T10:00:00+09:00'));
    assert.equal(isExpired(expiresAt, at('2999-01-01T00:00:00Z')), false);
  });
});
