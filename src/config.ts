import { resolve } from 'node:path';
import { readLoginDefence, type LoginDefence } from './accounts/login-defence.js';

/**
 * Everything read from the environment, read once at start into a frozen object and passed down.
 * Nothing below `cli/` reads `process.env`.
 */
export interface Config {
  /** DATABASE_URL: PostgreSQL connection string; unset means the embedded PGlite database. */
  readonly databaseUrl: string | undefined;
  /** POINTBOOK_DATA_DIR: where PGlite keeps its files and the generated operator token. Default ./data */
  readonly dataDir: string;
  /** POINTBOOK_PROGRAMS_DIR: program definitions to load at start. Default examples/programs */
  readonly programsDir: string;
  /** POINTBOOK_ADMIN_TOKEN: the operator bearer token; generated and saved in dataDir when unset. */
  readonly adminToken: string | undefined;
  /** PORT / HOST: where the HTTP server listens. Default 3000 on localhost. */
  readonly port: number;
  readonly host: string;
  /** POINTBOOK_LOG_LEVEL: pino level. Default info. */
  readonly logLevel: string;
  /** POINTBOOK_DB_POOL_SIZE: PostgreSQL connections in the pool. Default 10. */
  readonly poolSize: number;
  /** POINTBOOK_PUBLIC_URL: where members reach the portal, for emailed links. Default http://localhost:PORT */
  readonly publicUrl: string;
  /** POINTBOOK_SMTP_URL: smtp://user:pass@host:port (or smtps://). Unset: email waits in the outbox. */
  readonly smtpUrl: string | undefined;
  /** POINTBOOK_MAIL_FROM: the From header of our email. */
  readonly mailFrom: string | undefined;
  /**
   * POINTBOOK_TRUST_PROXY: which proxies may say who the client is (X-Forwarded-For), for log-in
   * throttling by address: `true` (any; only behind a proxy that overwrites the header) or
   * addresses/CIDRs (`10.0.0.0/8,127.0.0.1`). Unset: none.
   */
  readonly trustProxy: boolean | string | undefined;
  /**
   * POINTBOOK_GEOIP_DB: a MaxMind DB country database (GeoLite2-Country.mmdb or compatible), to tell
   * the country of a sweepstakes entry (SU-14) where no gateway header does. Unset: none.
   */
  readonly geoipDb: string | undefined;
  /** How long finished messages and ended credentials are kept (the daily `retention` job). */
  readonly retention: RetentionPolicy;
  /** G4: request limits per flow, per member and per client address (POINTBOOK_RATE_LIMIT_*). */
  readonly rateLimits: RateLimits;
  /** F2: when log-ins from unknown devices are challenged (POINTBOOK_LOGIN_CHALLENGE_*, decision 72). */
  readonly loginDefence: LoginDefence;
}

/** Days after which the `retention` job deletes what is no longer of use (decision 46). */
export interface RetentionPolicy {
  /** POINTBOOK_RETENTION_SENT_EMAIL_DAYS: sent email and suppressed marketing. Default 90. */
  readonly sentEmailDays: number;
  /** POINTBOOK_RETENTION_DELIVERED_WEBHOOK_DAYS: delivered (and settled failed) webhook deliveries. Default 30. */
  readonly deliveredWebhookDays: number;
  /** POINTBOOK_RETENTION_ENDED_CREDENTIAL_DAYS: ended sessions, emailed links and step-up keys. Default 30. */
  readonly endedCredentialDays: number;
}

export const defaultRetention: RetentionPolicy = Object.freeze({ sentEmailDays: 90, deliveredWebhookDays: 30, endedCredentialDays: 30 });

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return Object.freeze({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.POINTBOOK_DATA_DIR ?? 'data'),
    programsDir: resolve(env.POINTBOOK_PROGRAMS_DIR ?? 'examples/programs'),
    adminToken: env.POINTBOOK_ADMIN_TOKEN || undefined,
    port: integer(env.PORT, 3000, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.POINTBOOK_LOG_LEVEL ?? 'info',
    poolSize: integer(env.POINTBOOK_DB_POOL_SIZE, 10, 'POINTBOOK_DB_POOL_SIZE'),
    publicUrl: env.POINTBOOK_PUBLIC_URL || `http://localhost:${integer(env.PORT, 3000, 'PORT')}`,
    smtpUrl: env.POINTBOOK_SMTP_URL || undefined,
    mailFrom: env.POINTBOOK_MAIL_FROM || undefined,
    trustProxy: env.POINTBOOK_TRUST_PROXY ? env.POINTBOOK_TRUST_PROXY === 'true' || env.POINTBOOK_TRUST_PROXY : undefined,
    geoipDb: env.POINTBOOK_GEOIP_DB ? resolve(env.POINTBOOK_GEOIP_DB) : undefined,
    retention: Object.freeze({
      sentEmailDays: days(env.POINTBOOK_RETENTION_SENT_EMAIL_DAYS, defaultRetention.sentEmailDays, 'POINTBOOK_RETENTION_SENT_EMAIL_DAYS'),
      deliveredWebhookDays: days(env.POINTBOOK_RETENTION_DELIVERED_WEBHOOK_DAYS, defaultRetention.deliveredWebhookDays, 'POINTBOOK_RETENTION_DELIVERED_WEBHOOK_DAYS'),
      endedCredentialDays: days(env.POINTBOOK_RETENTION_ENDED_CREDENTIAL_DAYS, defaultRetention.endedCredentialDays, 'POINTBOOK_RETENTION_ENDED_CREDENTIAL_DAYS'),
    }),
    rateLimits: readRateLimits(env),
    loginDefence: readLoginDefence(env),
  });
}

// At least a day: 0 would delete a message the moment it is sent, before support could see it.
function days(raw: string | undefined, fallback: number, name: string): number {
  const value = integer(raw, fallback, name);
  if (value < 1 || value > 3_650) throw new Error(`${name} must be between 1 and 3650 days, got "${raw}"`);
  return value;
}

function integer(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

// ---- Rate limits (RELIABILITY.md G4, decision 60) ----

/** The business flows limited on their own; every other mutating route is `default`. */
export const rateLimitFlows = ['login', 'password_reset', 'signup', 'entry', 'redemption', 'application', 'default'] as const;
export type RateLimitFlow = (typeof rateLimitFlows)[number];

/** At most `limit` requests in a window of `windowSeconds` that starts with the first of them. */
export interface Quota {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * `member`: the member a request acts for (the logged-in member, the `{id}` of the path or the
 * `member` of the body), or the email typed into an anonymous log-in, reset or sign-up. `ip`: the
 * client address (a /64 for IPv6), for members and anonymous callers only: operators share a call
 * centre's address. null: no limit in that scope.
 */
export interface FlowLimits {
  readonly member: Quota | null;
  readonly ip: Quota | null;
}

export type RateLimits = Readonly<Record<RateLimitFlow, FlowLimits>>;

const quota = (limit: number, windowSeconds: number): Quota => Object.freeze({ limit, windowSeconds });
const HOUR = 3_600;

/**
 * Defaults generous enough for carrier-grade NAT (many members behind one address) and tight
 * enough that a script is stopped within the hour. Log-in has no per-account limit here: F1's
 * failure throttle (accounts/throttle.ts) is that limit, and counting right passwords too would let
 * anyone lock an owner out.
 */
export const defaultRateLimits: RateLimits = Object.freeze({
  login: Object.freeze({ member: null, ip: quota(300, 900) }),
  password_reset: Object.freeze({ member: quota(5, HOUR), ip: quota(50, HOUR) }),
  signup: Object.freeze({ member: quota(5, HOUR), ip: quota(50, HOUR) }),
  entry: Object.freeze({ member: quota(20, HOUR), ip: quota(300, HOUR) }),
  redemption: Object.freeze({ member: quota(20, HOUR), ip: quota(300, HOUR) }),
  application: Object.freeze({ member: quota(20, HOUR), ip: quota(300, HOUR) }),
  default: Object.freeze({ member: quota(120, 60), ip: quota(600, 60) }),
});

/**
 * POINTBOOK_RATE_LIMIT_<FLOW>_<MEMBER|IP> (e.g. POINTBOOK_RATE_LIMIT_REDEMPTION_MEMBER=20/1h):
 * `<requests>/<window>` with the window in s, m, h or d, or `off`. Unset: the default above.
 */
export function readRateLimits(env: NodeJS.ProcessEnv): RateLimits {
  const entries = rateLimitFlows.map((flow) => {
    const limits = defaultRateLimits[flow];
    const name = (scope: string) => `POINTBOOK_RATE_LIMIT_${flow.toUpperCase()}_${scope}`;
    return [flow, Object.freeze({ member: parseQuota(env[name('MEMBER')], limits.member, name('MEMBER')), ip: parseQuota(env[name('IP')], limits.ip, name('IP')) })];
  });
  return Object.freeze(Object.fromEntries(entries) as Record<RateLimitFlow, FlowLimits>);
}

const windowUnits: Record<string, number> = { s: 1, m: 60, h: HOUR, d: 86_400 };

function parseQuota(raw: string | undefined, fallback: Quota | null, name: string): Quota | null {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off') return null;
  const match = /^(\d{1,9})\/(\d{1,6})([smhd])$/.exec(raw);
  const unit = match?.[3] === undefined ? undefined : windowUnits[match[3]];
  const limit = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]) * (unit ?? 0);
  // A limit on everything: windows up to 30 days, at least one request in one.
  if (!match || unit === undefined || limit < 1 || windowSeconds < 1 || windowSeconds > 30 * 86_400) {
    throw new Error(`${name} must be <requests>/<window> such as 20/1h (window in s, m, h or d, at most 30d) or off, got "${raw}"`);
  }
  return quota(limit, windowSeconds);
}
