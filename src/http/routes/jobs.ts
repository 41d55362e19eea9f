import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import { jobNames, isJobName, runJob } from '../../jobs/registry.js';
import { recentRuns } from '../../jobs/runs.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { programOrRefuse } from '../lookups.js';
import { Instant, responses } from '../schemas.js';

export const JobOutcomeView = Type.Object({
  program: Type.String(),
  job: Type.String(),
  period: Type.String(),
  status: Type.Union([Type.Literal('done'), Type.Literal('already_done'), Type.Literal('running_elsewhere')], {
    description: 'already_done: the period had run (a re-run is a no-op); running_elsewhere: another server is running it',
  }),
  counts: Type.Record(Type.String(), Type.Integer()),
});

export function jobRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/programs/:program/jobs/:job/runs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run a job for one period now',
        description: `Jobs: ${jobNames.join(', ')}. Monthly jobs (status, monthly-grant, balance-email, expiry-warning) take month; expire, forfeit, retention and seal take asOf (default now). A finished period is not run again.`,
        params: Type.Object({ program: Type.String(), job: Type.String() }),
        body: Type.Object(
          { month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })), asOf: Type.Optional(Instant) },
          { additionalProperties: false },
        ),
        response: responses({ 200: JobOutcomeView }, [400, 401, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const { job } = request.params;
      if (!isJobName(job)) throw refusal('not_found', `There is no job "${job}"; jobs are ${jobNames.join(', ')}`);
      const now = deps.clock.now();
      const asOf = request.body.asOf === undefined ? now : Temporal.Instant.from(request.body.asOf);
      return runJob(deps.db, { job, program, month: request.body.month, asOf }, { now, actor: actorOf(request), publicUrl: deps.accounts.publicUrl, retention: deps.retention });
    },
  );

  app.get(
    '/v1/programs/:program/jobs/runs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Recent job runs, newest first',
        params: Type.Object({ program: Type.String() }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false }),
        response: responses(
          {
            200: Type.Array(
              Type.Object({
                job: Type.String(),
                period: Type.String(),
                status: Type.String(),
                counts: Type.Record(Type.String(), Type.Integer()),
                startedAt: Instant,
                finishedAt: Type.Union([Instant, Type.Null()]),
                actor: Type.String(),
                cursor: Type.Union([Type.String(), Type.Null()], { description: 'Progress of a running run: the last item of its last committed chunk' }),
              }),
            ),
          },
          [401, 404],
        ),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const runs = await recentRuns(deps.db, program.key, request.query.limit ?? 50);
      return runs.map((r) => ({ ...r, startedAt: r.startedAt.toString(), finishedAt: r.finishedAt?.toString() ?? null }));
    },
  );
}
