import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { TestClock } from '../clock.js';
import { openMigratedMemoryDb, type Db } from '../db/index.js';
import { buildApp, type App } from '../http/app.js';
import { createScheduler } from '../jobs/scheduler.js';
import { createRegistry, loadPrograms, syncPrograms } from '../programs/index.js';

/**
 * What a scenario runs against: the server `pointbook serve --memory --test-clock <start>` would
 * start, wired the same way (database, clock, programs, operator token), but driven in-process
 * through `app.inject()`. This is the one place the simulator builds the app: a new dependency of
 * `buildApp` (a scheduler, say) is added here and every scenario gets it.
 */
export interface World {
  app: App;
  /** The same clock the app reads and POST /v1/test-clock moves. */
  clock: TestClock;
  /** The operator token the runner sends; made for this world only. */
  token: string;
  close(): Promise<void>;
}

export interface WorldOptions {
  programsDir: string;
  start: Temporal.Instant;
}

export async function createWorld(options: WorldOptions): Promise<World> {
  // Programs first: a broken definition is reported before a database is paid for.
  const programs = loadPrograms(options.programsDir);
  const db = await openMigratedMemoryDb();
  try {
    const clock = new TestClock(options.start);
    await syncPrograms(db, programs, clock.now());
    const token = `pbk_sim_${randomBytes(18).toString('base64url')}`;
    const registry = createRegistry(programs);
    // Driven by the test clock: moving it runs the jobs that fell due, so the timer is never started.
    const scheduler = createScheduler({ db, clock, programs: registry, log: { info: () => {}, error: () => {} } });
    const app = await buildApp({ db, clock, testClock: clock, programs: registry, adminToken: token, scheduler });
    return { app, clock, token, close: () => closeAll(app, db) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function closeAll(app: App, db: Db): Promise<void> {
  try {
    await app.close();
  } finally {
    await db.close();
  }
}
