import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { createRegistry, loadPrograms } from '../programs/index.js';
import { enrolmentBonusFor, type MembershipPeriod } from './index.js';

const sony = createRegistry(loadPrograms('examples/programs')).get('sony-rewards');
assert.ok(sony);
const at = (text: string) => Temporal.Instant.from(text);
const period = (startedAt: string, endedAt?: string): MembershipPeriod => ({ startedAt: at(startedAt), ...(endedAt ? { endedAt: at(endedAt) } : {}) });

// SR-1: the window starts 2014-09-21 00:00 PDT (07:00Z); 90 days before is 2014-06-23 00:00 PDT.
describe('enrolmentBonusFor: the sony-rewards example (SR-1)', () => {
  const cases: { name: string; enrolledAt: string; earlier?: MembershipPeriod[]; code?: string }[] = [
    { name: 'the first instant of the window, Pacific', enrolledAt: '2014-09-21T00:00:00-07:00' },
    { name: 'still 9/20 in Pacific (06:59Z on the 21st)', enrolledAt: '2014-09-21T06:59:59Z', code: 'enrolled_outside_window' },
    { name: 'the last second of 12/31 Pacific', enrolledAt: '2014-12-31T23:59:59-08:00' },
    { name: 'over at 2015-01-01 00:00 Pacific', enrolledAt: '2015-01-01T00:00:00-08:00', code: 'enrolled_outside_window' },
    { name: 'a member who left 60 days before the window', enrolledAt: '2014-10-01T12:00:00-07:00', earlier: [period('2013-01-01T00:00:00Z', '2014-07-23T12:00:00-07:00')], code: 'member_before_window' },
    { name: 'a member who left 91 days before the window', enrolledAt: '2014-10-01T12:00:00-07:00', earlier: [period('2013-01-01T00:00:00Z', '2014-06-22T12:00:00-07:00')] },
    { name: 'a member who left as the 90 days began', enrolledAt: '2014-10-01T12:00:00-07:00', earlier: [period('2013-01-01T00:00:00Z', '2014-06-23T00:00:00-07:00')] },
    { name: 'a member who left a second into the 90 days', enrolledAt: '2014-10-01T12:00:00-07:00', earlier: [period('2013-01-01T00:00:00Z', '2014-06-23T00:00:01-07:00')], code: 'member_before_window' },
    { name: 'a member who left the day before the window', enrolledAt: '2014-10-01T12:00:00-07:00', earlier: [period('2014-09-01T00:00:00-07:00', '2014-09-20T12:00:00-07:00')], code: 'member_before_window' },
    { name: 'a rejoin 60 days after enrolling in the window', enrolledAt: '2014-12-01T12:00:00-08:00', earlier: [period('2014-09-25T00:00:00-07:00', '2014-10-02T00:00:00-07:00')], code: 'enrolled_before_in_window' },
  ];
  for (const c of cases) {
    it(`SR-1 ${c.name}`, () => {
      // The caller may pass the period that starts with this enrolment; it is not an earlier one.
      const membershipPeriods = [...(c.earlier ?? []), period(c.enrolledAt)];
      const decision = enrolmentBonusFor(sony, { enrolledAt: at(c.enrolledAt), membershipPeriods });
      if (c.code === undefined) assert.deepEqual(decision, { bonus: { id: 'enrolment-250', points: 250, cap: 1000 } });
      else assert.deepEqual('none' in decision ? decision.none.map((reason) => reason.code) : decision, [c.code]);
    });
  }

  it('explains a refusal in both languages', () => {
    const decision = enrolmentBonusFor(sony, { enrolledAt: at('2014-10-01T12:00:00-07:00'), membershipPeriods: [period('2014-01-01T00:00:00Z')] });
    assert.ok('none' in decision);
    assert.equal(decision.none[0]?.message.en, 'Enrolment bonus "enrolment-250" is for those who were not members in the 90 days before 2014-09-21');
    assert.equal(decision.none[0]?.message.ja, '入会特典「enrolment-250」は 2014-09-21 より前の90日間に会員でなかった方が対象です');
  });

  it('a program without a bonus gives none, with no reasons', () => {
    const flets = createRegistry(loadPrograms('examples/programs')).get('flets-club');
    assert.ok(flets);
    assert.deepEqual(enrolmentBonusFor(flets, { enrolledAt: at('2014-10-01T00:00:00Z'), membershipPeriods: [] }), { none: [] });
  });
});
