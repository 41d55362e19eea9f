import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import type { FastifyBaseLogger, LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { TestClock } from '../../src/clock.js';
import type { RetentionPolicy } from '../../src/config.js';
import type { App } from '../../src/http/app.js';
import { assembleApp } from '../../src/http/assemble.js';
import type { Deliverer } from '../../src/notifications/index.js';
import { openCountryDatabase } from '../../src/http/client-country.js';
import { loadPrograms, type Program } from '../../src/programs/index.js';
import { describeStorage, type StorageContext } from './databases.js';
import { openMailbox, type Mailbox } from './mailbox.js';

export const TOKEN = 'test-operator-token';
export const START = Temporal.Instant.from('2026-04-01T00:00:00+09:00');

export interface ApiContext extends StorageContext {
  readonly app: App;
  readonly clock: TestClock;
  /** The SMTP server the app sends to (with `options.mailbox`). */
  readonly mailbox: Mailbox;
  /**
   * Sends what waits in the outbox now. The app's own writes do this on commit; a test writing to
   * the outbox through `db` directly (not through the app) calls it, as the commit would.
   */
  deliverEmail(): void;
}

/**
 * An app on each backend's database, with the example programs loaded and a test clock at
 * `options.start` (default START), or `options.testClock: false` for a server started without --test-clock.
 */
export interface ApiOptions {
  /** false: a server started without --test-clock. */
  testClock?: boolean;
  /** The test clock's start (default START). */
  start?: string;
  /** Programs to load besides examples/programs (test-only programs). */
  extraPrograms?: () => Program[];
  /** Send email to a real SMTP server of the test's own (ctx.mailbox). */
  mailbox?: boolean;
  /** A GeoIP country database (.mmdb), as POINTBOOK_GEOIP_DB configures. */
  countryDatabase?: string;
  /** The server's log (quiet when absent). */
  logger?: FastifyBaseLogger;
  /** The deployment's retention (POINTBOOK_RETENTION_*); default decision 46's. */
  retention?: RetentionPolicy;
}

export function describeApi(title: string, body: (ctx: ApiContext) => void, options: ApiOptions = {}): void {
  describeStorage(title, (storage) => {
    let app: App | undefined;
    let mailer: Deliverer | undefined;
    let mailbox: Mailbox | undefined;
    const clock = new TestClock(options.start ? Temporal.Instant.from(options.start) : START);
    const ctx: ApiContext = {
      get backend() {
        return storage.backend;
      },
      get db() {
        return storage.db;
      },
      get url() {
        return storage.url;
      },
      get app() {
        assert.ok(app, 'the app is built');
        return app;
      },
      get mailbox() {
        assert.ok(mailbox, 'describeApi(…, { mailbox: true }) opens a mailbox');
        return mailbox;
      },
      clock,
      deliverEmail: () => mailer?.kick(),
    };
    before(async () => {
      if (options.mailbox) mailbox = await openMailbox();
      ({ app, mailer } = await assembleApp({
        db: storage.db,
        programs: [...loadPrograms('examples/programs'), ...(options.extraPrograms?.() ?? [])],
        clock,
        testClock: options.testClock === false ? undefined : clock,
        adminToken: TOKEN,
        mailTransport: mailbox?.transport,
        mailFrom: 'Pointbook Test <no-reply@pointbook.test>',
        publicUrl: 'https://portal.pointbook.test',
        countries: options.countryDatabase ? await openCountryDatabase(options.countryDatabase) : undefined,
        logger: options.logger,
        retention: options.retention,
      }));
    });
    after(async () => {
      await app?.close();
      await mailbox?.close();
    });
    body(ctx);
  });
}

type Method = 'GET' | 'POST' | 'DELETE';

/** An operator request with the token; `headers` may override or add. */
export async function call(
  app: App,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

let sequence = 0;
/** An external id no other test of the run uses. */
export function uniqueExternalId(prefix = 'ext'): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

export async function enrol(app: App, program = 'flets-club', extra: Record<string, unknown> = {}): Promise<string> {
  const response = await call(app, 'POST', `/v1/programs/${program}/members`, { externalId: uniqueExternalId(), ...extra });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ id: string }>().id;
}

export async function adjust(app: App, memberId: string, points: number, key: string, extra: Record<string, unknown> = {}) {
  return call(app, 'POST', `/v1/members/${memberId}/adjustments`, { points, reason: 'test', ...extra }, { 'idempotency-key': key });
}

/** Headers that call as someone else: a session token, or no credentials at all (`null`). */
export function as(token: string | null): Record<string, string> {
  return { authorization: token === null ? '' : `Bearer ${token}` };
}

export function problemCode(response: LightMyRequestResponse): string {
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  return response.json<{ code: string }>().code;
}


export { programFromYaml } from './programs.js';
