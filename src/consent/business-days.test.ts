import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { businessDaysLater, isBusinessDay } from './business-days.js';

const calendar = { timeZone: 'Asia/Tokyo', holidays: new Set(['2026-05-04', '2026-05-05', '2026-05-06']) };
const jst = (text: string) => Temporal.ZonedDateTime.from(`${text}[Asia/Tokyo]`).toInstant();

it('DN-3: counts business days in the program zone, skipping weekends and holidays', () => {
  // Friday 2026-04-10 17:00 JST + 2 business days = Tuesday 2026-04-14 00:00 JST.
  assert.equal(businessDaysLater(calendar, jst('2026-04-10T17:00'), 2).toString(), jst('2026-04-14T00:00').toString());
  // Saturday + 1 = Monday.
  assert.equal(businessDaysLater(calendar, jst('2026-04-11T09:00'), 1).toString(), jst('2026-04-13T00:00').toString());
  // Golden Week: Friday 2026-05-01 + 1 = Thursday 2026-05-07 (Mon–Wed are holidays).
  assert.equal(businessDaysLater(calendar, jst('2026-05-01T12:00'), 1).toString(), jst('2026-05-07T00:00').toString());
  // 23:30 UTC on Friday is already Saturday in Tokyo: the day counts in the program zone.
  assert.equal(businessDaysLater(calendar, Temporal.Instant.from('2026-04-10T23:30:00Z'), 1).toString(), jst('2026-04-13T00:00').toString());
  assert.equal(businessDaysLater(calendar, jst('2026-04-10T17:00'), 0).toString(), jst('2026-04-10T17:00').toString());
  assert.equal(isBusinessDay(calendar, Temporal.PlainDate.from('2026-05-05')), false);
});
