import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { TestClock } from '../clock.js';
import { openMigratedMemoryDb, type Db } from '../db/index.js';
import type { App } from '../http/app.js';
import { assembleApp } from '../http/assemble.js';
import { loadPrograms, type Program } from '../programs/index.js';

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
  /** The app's database, read by mail steps only: every other step goes through the API. */
  db: Db;
  close(): Promise<void>;
}

export interface WorldOptions {
  programsDir: string;
  /** Programs already loaded (a server's own), used instead of reading `programsDir`. */
  programs?: readonly Program[] | undefined;
  start: Temporal.Instant;
  /**
   * Keep webhook deliveries in the outbox instead of sending them. A scenario sent to a server
   * must not make it call URLs of the sender's choosing (http://127.0.0.1 is a valid webhook URL).
   */
  holdWebhooks?: boolean | undefined;
}

export async function createWorld(options: WorldOptions): Promise<World> {
  // Programs first: a broken definition is reported before a database is paid for.
  const programs = options.programs ?? loadPrograms(options.programsDir);
  const db = await openMigratedMemoryDb();
  try {
    const clock = new TestClock(options.start);
    const token = `pbk_sim_${randomBytes(18).toString('base64url')}`;
    // Driven by the test clock: moving it runs the jobs that fell due, so the scheduler is never started.
    const { app, webhooks } = await assembleApp({ db, programs, clock, testClock: clock, adminToken: token });
    // A stopped deliverer ignores the kicks of later commits: deliveries stay pending.
    if (options.holdWebhooks) await webhooks.stop();
    return { app, clock, token, db, close: () => closeAll(app, db) };
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
