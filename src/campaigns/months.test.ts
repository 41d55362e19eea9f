import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { ageOn, benefitMonths, billingMonthOf, lastMonthAfterTermination, monthsBetween } from './months.js';

it('GG-1: an age goes up on the birthday', () => {
  assert.equal(ageOn('1990-06-01', Temporal.PlainDate.from('2016-05-31')), 25);
  assert.equal(ageOn('1990-05-31', Temporal.PlainDate.from('2016-05-31')), 26);
});

it('billing months are in the program zone', () => {
  assert.equal(billingMonthOf(Temporal.Instant.from('2016-05-31T15:00:00Z'), 'Asia/Tokyo'), '2016-06');
  assert.equal(billingMonthOf(Temporal.Instant.from('2016-05-31T14:59:59Z'), 'Asia/Tokyo'), '2016-05');
});

it('GG-4: month 1 is the first billing month; 24 months end 23 months later', () => {
  const months = benefitMonths('2016-04', '2018-03');
  assert.equal(months.length, 24);
  assert.deepEqual(months[0], { month: '2016-04', index: 1 });
  assert.deepEqual(months[23], { month: '2018-03', index: 24 });
  assert.equal(monthsBetween('2016-05', '2016-04'), 0);
});

it('GG-9: discount to the month before the event, data through it, never past the scheduled end', () => {
  assert.equal(lastMonthAfterTermination('month_before_event', '2016-10', '2018-03'), '2016-09');
  assert.equal(lastMonthAfterTermination('event_month', '2016-10', '2018-03'), '2016-10');
  assert.equal(lastMonthAfterTermination('event_month', '2019-10', '2018-03'), '2018-03');
});
