import type { FastifyBaseLogger } from 'fastify';
import type { Clock, TestClock } from '../clock.js';
import type { Db } from '../db/index.js';
import { createScheduler, type Scheduler } from '../jobs/scheduler.js';
import { createRegistry, syncPrograms, type Program } from '../programs/index.js';
import { buildApp, type App } from './app.js';

export interface AssembleInput {
  db: Db;
  programs: readonly Program[];
  clock: Clock;
  /** The same object as `clock` when the server runs on a test clock. */
  testClock?: TestClock | undefined;
  adminToken: string;
  /** Quiet when absent. */
  logger?: FastifyBaseLogger | undefined;
}

const quiet = { info: () => {}, error: () => {} };

/**
 * The one wiring of the product: programs recorded in the database, the registry, the scheduler
 * and the HTTP app, for `pointbook serve`, the simulator and the tests alike. The scheduler is
 * returned unstarted (on a test clock, moving the clock runs due jobs) and stops with the app.
 */
export async function assembleApp(input: AssembleInput): Promise<{ app: App; scheduler: Scheduler }> {
  await syncPrograms(input.db, input.programs, input.clock.now());
  const programs = createRegistry(input.programs);
  const scheduler = createScheduler({ db: input.db, clock: input.clock, programs, log: input.logger ?? quiet });
  const app = await buildApp(
    { db: input.db, clock: input.clock, testClock: input.testClock, programs, adminToken: input.adminToken, scheduler },
    { logger: input.logger },
  );
  app.addHook('onClose', () => scheduler.stop());
  return { app, scheduler };
}
