import type { FastifyBaseLogger } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { LoginDefence } from '../accounts/index.js';
import { auditWrites } from '../audit/index.js';
import type { Clock, TestClock } from '../clock.js';
import type { RateLimits, RetentionPolicy } from '../config.js';
import type { Db } from '../db/index.js';
import { createScheduler, type Scheduler } from '../jobs/scheduler.js';
import { createMailer, kickOnCommit, type Deliverer, type Mailer } from '../notifications/index.js';
import { createRegistry, syncPrograms, type Program } from '../programs/index.js';
import { createWebhookDeliverer } from '../webhooks/index.js';
import { requireCountrySource } from '../sweepstakes/index.js';
import { buildApp, type App } from './app.js';
import type { CountryLocator } from './client-country.js';

export interface AssembleInput {
  db: Db;
  programs: readonly Program[];
  clock: Clock;
  /** The same object as `clock` when the server runs on a test clock. */
  testClock?: TestClock | undefined;
  adminToken: string;
  /** Where the member portal is, for emailed links. Default http://localhost:3000 */
  publicUrl?: string | undefined;
  /** SMTP; none keeps email waiting in the outbox. */
  mailTransport?: Transporter | undefined;
  /** The From header of our email. */
  mailFrom?: string | undefined;
  /** Quiet when absent. */
  logger?: FastifyBaseLogger | undefined;
  /** Proxies trusted to name the client (POINTBOOK_TRUST_PROXY). */
  trustProxy?: boolean | string | undefined;
  /** How long finished messages and ended credentials are kept (POINTBOOK_RETENTION_*); default decision 46's. */
  retention?: RetentionPolicy | undefined;
  /** SU-14: the GeoIP country database (POINTBOOK_GEOIP_DB); sweepstakes without a gateway header need it. */
  countries?: CountryLocator | undefined;
  /** G4: request limits (POINTBOOK_RATE_LIMIT_*); `pointbook serve` always passes them, tests when they test them. */
  rateLimits?: RateLimits | undefined;
  /** F2: log-in challenge thresholds (POINTBOOK_LOGIN_CHALLENGE_*); default decision 72's. */
  loginDefence?: LoginDefence | undefined;
}

const quiet = { info: () => {}, error: () => {} };

/**
 * The one wiring of the product: programs recorded in the database, the registry, the scheduler,
 * the mailer, the webhook deliverer and the HTTP app, for `pointbook serve`, the simulator and the
 * tests alike. The scheduler and the mailer's periodic sweep are returned unstarted (on a test
 * clock, moving the clock runs due jobs). Email and webhook deliveries are sent right after the
 * commit that wrote them (requests and jobs alike: the database the app and the scheduler get
 * kicks the deliverer of each channel after such commits); the mailer's sweep is started by
 * `serve`, the webhook deliverer's when the server listens. All stop with the app.
 */
export async function assembleApp(input: AssembleInput): Promise<{ app: App; scheduler: Scheduler; mailer: Mailer; webhooks: Deliverer }> {
  requireCountrySource(input.programs, input.countries !== undefined);
  await syncPrograms(input.db, input.programs, input.clock.now());
  const programs = createRegistry(input.programs);
  const log = input.logger ?? quiet;
  const webhooks = createWebhookDeliverer({ db: input.db, clock: input.clock, log });
  const mailer = createMailer({ db: input.db, transport: input.mailTransport, from: input.mailFrom ?? defaultMailFrom, clock: input.clock, log });
  // J1: requests and jobs write audit rows with their changes; the deliverers' bookkeeping (input.db) does not.
  const db = kickOnCommit(auditWrites(input.db), { webhook: () => webhooks.kick(), email: () => mailer.kick() });
  const publicUrl = input.publicUrl ?? 'http://localhost:3000';
  const scheduler = createScheduler({ db, clock: input.clock, programs, log, publicUrl, retention: input.retention });
  const app = await buildApp(
    {
      db,
      clock: input.clock,
      testClock: input.testClock,
      programs,
      adminToken: input.adminToken,
      accounts: { db, publicUrl, loginDefence: input.loginDefence },
      scheduler,
      retention: input.retention,
      countries: input.countries,
      rateLimits: input.rateLimits,
    },
    { logger: input.logger, trustProxy: input.trustProxy },
  );
  // Not on ready: tests inject requests without listening, and drive retries themselves.
  app.addHook('onListen', async () => webhooks.start());
  app.addHook('onClose', async () => {
    await scheduler.stop();
    await mailer.stop();
    await webhooks.stop();
  });
  return { app, scheduler, mailer, webhooks };
}

export const defaultMailFrom = 'Pointbook <no-reply@pointbook.localhost>';
