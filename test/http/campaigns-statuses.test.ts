import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { statement } from '../../src/db/index.js';
import { schedulesFor } from '../../src/jobs/registry.js';
import { createRegistry, loadPrograms } from '../../src/programs/index.js';
import type { WebhookPayload } from '../../src/webhooks/index.js';
import { call, describeApi, type ApiContext } from '../support/api.js';
import { contractEvent, givenLine, nextSerial } from '../support/campaign-lines.js';
import { startWebhookReceiver, until } from '../support/webhook-receiver.js';

/**
 * Decision 42: statuses that follow from time (GG-7 ① a benefit past its last month is
 * `completed`, GG-10 a pre-registration past the period is `lapsed`) show on read at once, and the
 * daily `campaign-statuses` job records each and announces it with `application.status_changed`
 * exactly once; reruns, later days and racing runs add nothing.
 */
const GG = '/v1/campaigns/giga-gakuwari';

type StatusChanged = WebhookPayload<'application.status_changed'> & {
  data: { applicationId: string; from: string | null; to: string; lastBillingMonth: string | null; reasons: { rule: string; code: string }[] };
};

const apply = async (ctx: ApiContext, body: Record<string, unknown>) => {
  const response = await call(ctx.app, 'POST', `${GG}/applications`, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: string; status: string; lastBillingMonth: string | null }>();
};
const view = async (ctx: ApiContext, id: string) => {
  const response = await call(ctx.app, 'GET', `${GG}/applications/${id}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ status: string; lastBillingMonth: string | null; statusHistory: { status: string; at: string; reasons: { rule: string }[] }[] }>();
};
const runJob = async (ctx: ApiContext, asOf: string) => {
  const response = await call(ctx.app, 'POST', '/v1/programs/softbank/jobs/campaign-statuses/runs', { asOf });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ status: string; period: string; counts: Record<string, number> }>();
};

const claimsOf = statement('test.campaigns.claimsOfPerson', 'select count(*)::int as n from campaign_person_claims where person_id = $1');
const statusRows = statement('test.campaigns.statusRows', 'select status from campaign_application_statuses where application_id = $1 order by seq');

describeApi(
  'campaigns: statuses time gives, recorded and announced by the daily job (decision 42)',
  (ctx) => {
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let hookId = '';
    before(async () => {
      receiver = await startWebhookReceiver();
      const hook = await call(ctx.app, 'POST', '/v1/programs/softbank/webhooks', { url: `${receiver.url}/statuses`, events: ['application.status_changed'], description: 'campaign statuses' });
      assert.equal(hook.statusCode, 201, hook.body);
      hookId = hook.json<{ id: string }>().id;
    });
    after(() => receiver.close());

    const announced = (applicationId: string): StatusChanged['data'][] =>
      receiver
        .at('/statuses')
        .map((r) => JSON.parse(r.body) as StatusChanged)
        .filter((p) => p.data.applicationId === applicationId)
        .map((p) => ({ ...p.data, occurredAt: p.occurredAt }));
    /** Every delivery of the subscription has been sent: the receiver has all there will be. */
    const allSent = async () => {
      const response = await call(ctx.app, 'GET', `/v1/programs/softbank/webhooks/${hookId}/deliveries`);
      return response.json<{ items: { status: string }[] }>().items.every((d) => d.status === 'delivered');
    };

    it('GG-10: a lapsed pre-registration is shown at once, recorded by the job with the same entry, announced once, and frees its person', async () => {
      const lonely = await givenLine(ctx, { familyGroup: `FG-${nextSerial()}`, birthDate: '1965-01-01' });
      const pre = await apply(ctx, { member: lonely.member, line: lonely.line, role: 'family', option: 'discount' });
      assert.equal(pre.status, 'provisional');
      await until(() => announced(pre.id).length === 1, 'the provisional status is announced');

      ctx.clock.set(Temporal.Instant.from('2016-06-01T00:10:00+09:00'));
      const shown = await view(ctx, pre.id);
      assert.equal(shown.status, 'lapsed', 'lapsed on read before any job');
      const [stored] = await ctx.db.query<{ status: string }>(statement('test.campaigns.storedStatus', 'select status from campaign_applications where application_id = $1'), [pre.id]);
      assert.equal(stored?.status, 'provisional', 'not yet recorded');

      const run = await runJob(ctx, '2016-06-01T00:10:00+09:00');
      assert.deepEqual([run.status, run.period, run.counts.lapsed, run.counts.completed], ['done', '2016-06-01', 1, 0]);
      assert.deepEqual(await view(ctx, pre.id), shown, 'the recorded status reads exactly as the worked-out one');
      assert.deepEqual((await ctx.db.query<{ status: string }>(statusRows, [pre.id])).map((r) => r.status), ['provisional', 'lapsed']);
      assert.equal((await ctx.db.query<{ n: number }>(claimsOf, [lonely.personId]))[0]?.n, 0, 'GG-6: the lapsed pre-registration no longer holds its person');

      await until(() => announced(pre.id).length === 2, 'the lapse is announced');
      const [, lapse] = announced(pre.id);
      assert.deepEqual(
        { from: lapse?.from, to: lapse?.to, occurredAt: (lapse as { occurredAt?: string }).occurredAt, reasons: lapse?.reasons },
        { from: 'provisional', to: 'lapsed', occurredAt: '2016-05-31T15:00:00Z', reasons: [{ rule: 'pre-registration', code: 'lapsed' }] },
      );

      const rerun = await runJob(ctx, '2016-06-01T09:00:00+09:00');
      assert.deepEqual([rerun.status, rerun.counts.lapsed ?? 0], ['done', 0], 'a rerun of the day finds nothing due');
      const nextDay = await runJob(ctx, '2016-06-02T00:10:00+09:00');
      assert.deepEqual([nextDay.status, nextDay.counts.lapsed ?? 0], ['done', 0], 'a later day finds nothing new');
      await until(allSent, 'every delivery is sent');
      assert.equal(announced(pre.id).length, 2, 'announced once');
    });

    it('GG-7 ①: a completed benefit is recorded and announced once, its GG-11 history ends, and two racing runs announce it once', async () => {
      const group = `FG-${nextSerial()}`;
      const u25 = await givenLine(ctx, { familyGroup: group });
      const mama = await givenLine(ctx, { familyGroup: group, birthDate: '1970-01-01' });
      ctx.clock.set(Temporal.Instant.from('2016-03-01T12:00:00+09:00'));
      await apply(ctx, { member: u25.member, line: u25.line, role: 'u25', option: 'data' });
      const family = await apply(ctx, { member: mama.member, line: mama.line, role: 'family', option: 'discount' });
      assert.equal(family.lastBillingMonth, '2017-03', 'GG-3: a family new line, 12 months from April 2016');

      ctx.clock.set(Temporal.Instant.from('2017-03-31T23:59:59+09:00'));
      assert.equal((await view(ctx, family.id)).status, 'active', 'March 2017 is its last month');
      ctx.clock.set(Temporal.Instant.from('2017-04-01T00:10:00+09:00'));
      const shown = await view(ctx, family.id);
      assert.equal(shown.status, 'completed');

      // Two days' runs at once: whichever records the status announces it; the other finds it recorded.
      const runs = await Promise.all([runJob(ctx, '2017-04-01T00:10:00+09:00'), runJob(ctx, '2017-04-02T00:10:00+09:00')]);
      assert.deepEqual(runs.map((r) => r.status), ['done', 'done']);
      assert.deepEqual(await view(ctx, family.id), shown);
      assert.deepEqual((await ctx.db.query<{ status: string }>(statusRows, [family.id])).map((r) => r.status), ['active', 'completed']);
      await until(async () => announced(family.id).length === 2 && (await allSent()), 'the completion is announced');
      const [, completed] = announced(family.id);
      assert.deepEqual(
        { from: completed?.from, to: completed?.to, lastBillingMonth: completed?.lastBillingMonth, occurredAt: (completed as { occurredAt?: string }).occurredAt },
        { from: 'active', to: 'completed', lastBillingMonth: '2017-03', occurredAt: '2017-03-31T15:00:00Z' },
      );

      const history = await call(ctx.app, 'GET', `/v1/members/${mama.member}/campaign-history`);
      assert.deepEqual(history.json<{ items: { campaign: string; endedAt: string | null }[] }>().items.map((h) => [h.campaign, h.endedAt]), [['giga-gakuwari', '2017-03-31T15:00:00Z']]);
    });

    it('GG-8: events after a benefit ran its term end nothing — neither its own line cancelled nor its U25 ending early', async () => {
      const group = `FG-${nextSerial()}`;
      const u25 = await givenLine(ctx, { familyGroup: group });
      const papa = await givenLine(ctx, { familyGroup: group, birthDate: '1968-01-01', at: '2016-05-10T10:00:00+09:00' });
      const sister = await givenLine(ctx, { familyGroup: group, birthDate: '1990-01-01', origin: 'mnp' });
      ctx.clock.set(Temporal.Instant.from('2016-05-20T12:00:00+09:00'));
      await apply(ctx, { member: u25.member, line: u25.line, role: 'u25', option: 'data' });
      const done = await apply(ctx, { member: papa.member, line: papa.line, role: 'family', option: 'data' });
      const running = await apply(ctx, { member: sister.member, line: sister.line, role: 'family', option: 'data' });
      assert.deepEqual([done.lastBillingMonth, running.lastBillingMonth], ['2017-05', '2019-03']);

      // June 2017, before any job has recorded Papa's completion.
      ctx.clock.set(Temporal.Instant.from('2017-06-05T12:00:00+09:00'));
      await contractEvent(ctx, papa.externalId, 'contract.cancelled', { contractId: papa.line }, '2017-06-05T10:00:00+09:00');
      await contractEvent(ctx, u25.externalId, 'contract.cancelled', { contractId: u25.line }, '2017-06-05T11:00:00+09:00');
      const papaView = await view(ctx, done.id);
      assert.deepEqual([papaView.status, papaView.lastBillingMonth, papaView.statusHistory.map((s) => s.status)], ['completed', '2017-05', ['active', 'completed']]);
      const sisterView = await view(ctx, running.id);
      assert.deepEqual([sisterView.status, sisterView.lastBillingMonth, sisterView.statusHistory.at(-1)?.reasons[0]?.rule], ['terminated', '2017-06', 'depends-on-u25'], 'the running family benefit still ends with its U25 (GG-8)');
      assert.ok(!announced(done.id).some((a) => a.to === 'terminated'));
    });

    it('is scheduled every night just after midnight for programs with campaigns only', () => {
      const programs = createRegistry(loadPrograms('examples/programs'));
      const cronOf = (key: string) => schedulesFor(programs.get(key) ?? assert.fail(key)).find((s) => s.job === 'campaign-statuses')?.cron;
      assert.equal(cronOf('softbank'), '10 0 * * *');
      assert.equal(cronOf('flets-club'), '10 0 * * *');
      assert.equal(cronOf('sony-rewards'), undefined);
    });
  },
  { start: '2016-03-01T12:00:00+09:00' },
);
