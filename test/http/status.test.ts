import assert from 'node:assert/strict';
import { it } from 'node:test';
import { call, describeApi, uniqueExternalId } from '../support/api.js';

describeApi(
  'status job (sonet, SU-1)',
  (ctx) => {
    it('records the initial status, then "went up" in the month tenure crosses a rung, once per month', async () => {
      const externalId = uniqueExternalId('su');
      const member = (await call(ctx.app, 'POST', '/v1/programs/sonet/members', { externalId, joinedAt: '2022-06-15T10:00:00+09:00' })).json();
      const top = (
        await call(ctx.app, 'POST', '/v1/programs/sonet/members', {
          externalId: uniqueExternalId('su'),
          joinedAt: '2008-01-10T10:00:00+09:00',
          attributes: { superstar: true },
        })
      ).json();

      const first = await call(ctx.app, 'POST', '/v1/test-clock', { now: '2024-05-01T00:00:00+09:00' });
      assert.equal(first.statusCode, 200, first.body);
      let status = (await call(ctx.app, 'GET', `/v1/members/${member.id}/status`)).json();
      assert.equal(status.tier, 'gold');
      assert.deepEqual(status.changes.map((c: { month: string; direction: string }) => [c.month, c.direction]), [['2024-05', 'initial']]);

      await call(ctx.app, 'POST', '/v1/test-clock', { now: '2024-06-01T00:00:00+09:00' });
      status = (await call(ctx.app, 'GET', `/v1/members/${member.id}/status`)).json();
      assert.equal(status.tier, 'platinum', 'tenure counts from the joining month (SU-1): June 2022 → two years in June 2024');
      assert.deepEqual(status.changes.at(-1), {
        month: '2024-06',
        from: 'gold',
        to: 'platinum',
        direction: 'up',
        changedAt: '2024-05-31T15:00:00Z',
      });

      const rerun = await call(ctx.app, 'POST', '/v1/programs/sonet/jobs/status/runs', { month: '2024-06' });
      assert.equal(rerun.json().status, 'already_done');
      const superstar = (await call(ctx.app, 'GET', `/v1/members/${top.id}/status`)).json();
      assert.equal(superstar.tier, 'superstar', '15+ years and the top-status condition');
    });

    it('lists the job runs of a program', async () => {
      const runs = (await call(ctx.app, 'GET', '/v1/programs/sonet/jobs/runs?limit=5')).json();
      assert.ok(runs.some((r: { job: string; status: string }) => r.job === 'status' && r.status === 'done'));
      const bad = await call(ctx.app, 'POST', '/v1/programs/sonet/jobs/status/runs', {});
      assert.equal(bad.statusCode, 400);
      const unknown = await call(ctx.app, 'POST', '/v1/programs/sonet/jobs/nope/runs', {});
      assert.equal(unknown.statusCode, 404);
    });
  },
  { start: '2024-04-15T00:00:00+09:00' },
);
