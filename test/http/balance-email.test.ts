import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { adjust, call, describeApi, enrol } from '../support/api.js';

/**
 * FL-7: the monthly balance email, through a real SMTP server: the balance, and the points that
 * expire at the end of this fiscal year (FL-8: those earned two fiscal years ago).
 */
describeApi(
  'monthly balance email (FL-7)',
  (ctx) => {
    it('tells each member with an email their balance and what expires at the end of this fiscal year, once a month', async () => {
      const email = `fl7-${process.pid}@example.jp`;
      const member = await enrol(ctx.app, 'flets-club', { name: '光 太郎', email });
      const quiet = await enrol(ctx.app, 'flets-club', { name: 'No Email' });
      // 1,200 pt expiring at the end of fiscal 2026 (March 31, 2027), 800 pt a year later.
      assert.equal((await adjust(ctx.app, member, 1200, 'fl7-a', { expiresAt: '2027-04-01T00:00:00+09:00' })).statusCode, 201);
      assert.equal((await adjust(ctx.app, member, 800, 'fl7-b', { expiresAt: '2028-04-01T00:00:00+09:00' })).statusCode, 201);
      assert.equal((await adjust(ctx.app, quiet, 100, 'fl7-c')).statusCode, 201);

      const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/balance-email/runs', { month: '2026-04' });
      assert.equal(run.statusCode, 200, run.body);
      const outcome = run.json<{ status: string; counts: Record<string, number> }>();
      assert.equal(outcome.status, 'done');
      assert.ok(outcome.counts.emails! >= 1 && outcome.counts.skipped! >= 1, run.body);

      const mail = await ctx.mailbox.waitFor(email);
      assert.equal(mail.subject, '【フレッツ光メンバーズクラブ】2026年04月のポイント残高のお知らせ');
      assert.match(mail.text, /ご利用可能ポイント: 2,000ポイント/);
      assert.match(mail.text, /今年度末（2027年3月31日）で失効するポイント: 1,200ポイント/);

      const again = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/balance-email/runs', { month: '2026-04' });
      assert.equal(again.json<{ status: string }>().status, 'already_done');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(ctx.mailbox.received.filter((m) => m.to.includes(email)).length, 1, 'one email per month');
    });

    it('warns on the 1st of the month of members whose points expire within 31 days, and nobody else', async () => {
      const soon = `fl7-soon-${process.pid}@example.jp`;
      const later = `fl7-later-${process.pid}@example.jp`;
      const expiring = await enrol(ctx.app, 'flets-club', { email: soon });
      const safe = await enrol(ctx.app, 'flets-club', { email: later });
      assert.equal((await adjust(ctx.app, expiring, 300, 'fl7-d', { expiresAt: '2027-04-01T00:00:00+09:00' })).statusCode, 201);
      assert.equal((await adjust(ctx.app, safe, 300, 'fl7-e', { expiresAt: '2028-04-01T00:00:00+09:00' })).statusCode, 201);
      ctx.clock.set(Temporal.Instant.from('2027-03-01T09:00:00+09:00'));
      const run = await call(ctx.app, 'POST', '/v1/programs/flets-club/jobs/expiry-warning/runs', { month: '2027-03' });
      assert.equal(run.statusCode, 200, run.body);
      const mail = await ctx.mailbox.waitFor(soon, (m) => m.subject.includes('まもなく失効'));
      assert.match(mail.text, /31日以内に 300ポイント が失効します（最初の失効: 2027年3月31日）/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(!ctx.mailbox.received.some((m) => m.to.includes(later) && m.subject.includes('まもなく失効')), 'no warning without points expiring soon');
    });
  },
  { mailbox: true, start: '2026-04-01T09:00:00+09:00' },
);
