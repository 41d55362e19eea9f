import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TestClock } from '../clock.js';
import type { RateLimits, RetentionPolicy } from '../config.js';
import type { Db } from '../db/index.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { ProgramRegistry } from '../programs/index.js';
import type { AccountsEnv } from '../accounts/index.js';
import { accessRule } from './access.js';
import { registerAuditScope } from './audit-scope.js';
import { authenticator, authorize } from './auth.js';
import type { CountryLocator } from './client-country.js';
import { answerFrameworkError, registerErrorHandling } from './errors.js';
import { refuseMalformedText } from './text-input.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { campaignRoutes } from './routes/campaigns.js';
import { consentRoutes } from './routes/consent.js';
import { eventRoutes } from './routes/events.js';
import { financeRoutes } from './routes/finance.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { memberRoutes } from './routes/members.js';
import { memberSearchRoutes } from './routes/member-search.js';
import { operatorRoutes } from './routes/operators.js';
import { pointsRoutes } from './routes/points.js';
import { privacyRoutes } from './routes/privacy.js';
import { programRoutes } from './routes/programs.js';
import { programInfoRoutes } from './routes/program-info.js';
import { redemptionRoutes } from './routes/redemptions.js';
import { simulatorRoutes } from './routes/simulator.js';
import { sweepstakesRoutes } from './routes/sweepstakes.js';
import { testClockRoutes } from './routes/test-clock.js';
import { webhookRoutes } from './routes/webhooks.js';
import { registerRateLimits } from './rate-limit.js';
import { Problem } from './schemas.js';
import { registerWeb } from './web.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppDeps {
  db: Db;
  clock: Clock;
  /** Set when the server runs with --test-clock: the same object as `clock`, movable by POST /v1/test-clock. */
  testClock?: TestClock | undefined;
  programs: ProgramRegistry;
  adminToken: string;
  /** Sign-up, log-in and the emails they send. */
  accounts: AccountsEnv;
  /** Runs due jobs; moving the test clock runs what fell due in between. */
  scheduler?: Scheduler | undefined;
  /** The deployment's retention, for the retention job run by hand; default decision 46's. */
  retention?: RetentionPolicy | undefined;
  /** SU-14: the operator's GeoIP country database (POINTBOOK_GEOIP_DB), when configured. */
  countries?: CountryLocator | undefined;
  /** G4: limits per flow, member and address (POINTBOOK_RATE_LIMIT_*); none when absent. */
  rateLimits?: RateLimits | undefined;
}

/**
 * The HTTP API, apart from `listen()` so tests drive it through `app.inject()`.
 * Every route has a row in the role table (access.ts): the server does not start otherwise.
 */
export async function buildApp(deps: AppDeps, options: { logger?: FastifyBaseLogger | undefined; trustProxy?: boolean | string | undefined } = {}): Promise<App> {
  const app: App = Fastify({
    trustProxy: options.trustProxy ?? false,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Ids of requests appear in logs and in 500 answers, so support can find the fault.
    requestIdHeader: 'x-request-id',
    bodyLimit: 1_048_576,
    // A URL Fastify cannot decode (`%ZZ`, bad UTF-8) is refused before routing: as problem+json too.
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.addSchema(Problem);
  registerErrorHandling(app);
  refuseMalformedText(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pointbook API',
        version: '1',
        description: 'Members, points ledger, programs. Errors are RFC 9457 problem+json with a stable `code` (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The operator API token, or a session token from a member or operator log-in' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.config?.web) return;
    for (const method of [route.method].flat()) {
      const access = accessRule(method, route.url);
      if (!access) throw new Error(`${method} ${route.url} has no row in the role table: add one to src/http/access.ts`);
      route.config = { ...route.config, access };
    }
  });
  const authenticate = authenticator(deps);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return; // /docs and unknown routes
    request.principal = await authenticate(request);
    authorize(access, request.principal, request.params as Record<string, string>);
  });
  if (deps.rateLimits) registerRateLimits(app, { db: deps.db, clock: deps.clock, limits: deps.rateLimits });
  // Last of the preHandlers: a rate-limit counter is bookkeeping, not a change to audit.
  registerAuditScope(app, deps.clock);

  healthRoutes(app, deps);
  await app.register(async (v1) => {
    const scoped = v1.withTypeProvider<TypeBoxTypeProvider>();
    authRoutes(scoped, deps);
    operatorRoutes(scoped, deps);
    programRoutes(scoped, deps);
    memberRoutes(scoped, deps);
    pointsRoutes(scoped, deps);
    redemptionRoutes(scoped, deps);
    eventRoutes(scoped, deps);
    jobRoutes(scoped, deps);
    financeRoutes(scoped, deps);
    testClockRoutes(scoped, deps);
    consentRoutes(scoped, deps);
    privacyRoutes(scoped, deps);
    webhookRoutes(scoped, deps);
    sweepstakesRoutes(scoped, deps);
    campaignRoutes(scoped, deps);
    // The console and portal (#8): member search, what the portal shows of a program, the simulator.
    memberSearchRoutes(scoped, deps);
    programInfoRoutes(scoped, deps);
    simulatorRoutes(scoped, deps);
    auditRoutes(scoped, deps);
  });
  await registerWeb(app);
  return app;
}
