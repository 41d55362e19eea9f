import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import type { App, AppDeps } from '../app.js';
import { Instant, responses } from '../schemas.js';
import { JobOutcomeView } from './jobs.js';

const ClockBody = Type.Object({ now: Instant }, { additionalProperties: false });
const ClockView = Type.Object({ now: Instant });
const MovedView = Type.Object({ now: Instant, jobs: Type.Array(JobOutcomeView, { description: 'The jobs that fell due and ran' }) });

/**
 * `POST /v1/test-clock` moves the one clock every part of the system reads (Stripe-style test
 * clocks). Only when the server was started with --test-clock; it only moves forward, because
 * expiry and jobs that already ran cannot be un-run. Jobs that fell due in between run, in order,
 * before the answer.
 */
export function testClockRoutes(app: App, deps: AppDeps): void {
  const clock = () => {
    if (!deps.testClock) throw refusal('test_clock_disabled');
    return deps.testClock;
  };
  app.get(
    '/v1/test-clock',
    { schema: { tags: ['test clock'], summary: 'The test clock', response: responses({ 200: ClockView }, [401, 404]) } },
    async () => ({ now: clock().now().toString() }),
  );
  app.post(
    '/v1/test-clock',
    {
      schema: {
        tags: ['test clock'],
        summary: 'Move the test clock forward',
        body: ClockBody,
        response: responses({ 200: MovedView }, [400, 401, 404, 422]),
      },
    },
    async (request) => {
      const testClock = clock();
      const next = Temporal.Instant.from(request.body.now);
      if (Temporal.Instant.compare(next, testClock.now()) < 0) {
        throw refusal('clock_moved_backwards', `The test clock is at ${testClock.now()}; it cannot go back to ${next}`);
      }
      const previous = testClock.now();
      testClock.set(next);
      const jobs = (await deps.scheduler?.runDue(previous, next)) ?? [];
      return { now: next.toString(), jobs };
    },
  );
}
