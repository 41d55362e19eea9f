import { Temporal } from 'temporal-polyfill';
import { systemClock, TestClock } from '../clock.js';
import type { Config } from '../config.js';
import { assembleApp } from '../http/assemble.js';
import { openCountryDatabase } from '../http/client-country.js';
import { createLogger } from '../logger.js';
import { transportFromUrl } from '../notifications/index.js';
import { loadPrograms } from '../programs/index.js';
import { describeDb, openMigratedDb, type StorageOptions } from './database.js';
import { resolveAdminToken } from './token.js';

export interface ServeOptions extends StorageOptions {
  port?: number;
  host?: string;
  programs?: string;
  /** true: a test clock starting now; a string: starting at that instant. */
  testClock?: boolean | string;
}

/** Starts the API on the configured database; resolves with a function that stops it. */
export async function serve(config: Config, options: ServeOptions): Promise<() => Promise<void>> {
  const db = await openMigratedDb(config, options);
  const testClock = options.testClock
    ? new TestClock(typeof options.testClock === 'string' ? Temporal.Instant.from(options.testClock) : systemClock.now())
    : undefined;
  const clock = testClock ?? systemClock;
  const programs = loadPrograms(options.programs ?? config.programsDir);
  const admin = resolveAdminToken(config.adminToken, options.data ?? config.dataDir, !options.memory);

  const logger = createLogger(config.logLevel);
  const mailTransport = config.smtpUrl ? transportFromUrl(config.smtpUrl) : undefined;
  const countries = config.geoipDb ? await openCountryDatabase(config.geoipDb) : undefined;
  const { app, scheduler, mailer } = await assembleApp({
    db,
    programs,
    clock,
    testClock,
    adminToken: admin.token,
    logger,
    publicUrl: config.publicUrl,
    mailTransport,
    mailFrom: config.mailFrom,
    trustProxy: config.trustProxy,
    retention: config.retention,
    countries,
    rateLimits: config.rateLimits,
    loginDefence: config.loginDefence,
  });
  // On the wall clock the scheduler follows time; on a test clock, jobs run as the clock is moved.
  if (!testClock) scheduler.start();
  mailer.start();
  const host = options.host ?? config.host;
  await app.listen({ port: options.port ?? config.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const lines = [
    `Pointbook is serving on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}  (member portal: /login, operator console: /console, API docs: /docs)`,
    `database: ${describeDb(config, options)}`,
    `programs: ${programs.map((p) => p.key).join(', ') || '(none)'}`,
    `operator token (${admin.source}): ${admin.token}`,
    ...(config.geoipDb ? [`countries (SU-14): ${config.geoipDb}`] : []),
    config.smtpUrl ? `email: sent through ${new URL(config.smtpUrl).host}` : 'email: POINTBOOK_SMTP_URL is not set, so email waits in the outbox (sign-up and reset links included)',
    ...(testClock ? [`test clock: ${testClock.now()} — move it with POST /v1/test-clock`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  return async () => {
    await app.close(); // stops the scheduler and the mailer
    mailTransport?.close();
    await db.close();
  };
}
