import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TestClock } from '../clock.js';
import type { Db } from '../db/index.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { ProgramRegistry } from '../programs/index.js';
import { operatorAuthenticator } from './auth.js';
import { registerErrorHandling } from './errors.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { memberRoutes } from './routes/members.js';
import { pointsRoutes } from './routes/points.js';
import { programRoutes } from './routes/programs.js';
import { redemptionRoutes } from './routes/redemptions.js';
import { testClockRoutes } from './routes/test-clock.js';
import { Problem } from './schemas.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppDeps {
  db: Db;
  clock: Clock;
  /** Set when the server runs with --test-clock: the same object as `clock`, movable by POST /v1/test-clock. */
  testClock?: TestClock | undefined;
  programs: ProgramRegistry;
  adminToken: string;
  /** Runs due jobs; moving the test clock runs what fell due in between. */
  scheduler?: Scheduler | undefined;
}

/**
 * The HTTP API, apart from `listen()` so tests drive it through `app.inject()`.
 * Everything under /v1 needs the operator token; /health and /docs are open.
 */
export async function buildApp(deps: AppDeps, options: { logger?: FastifyBaseLogger } = {}): Promise<App> {
  const app: App = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Ids of requests appear in logs and in 500 answers, so support can find the fault.
    requestIdHeader: 'x-request-id',
    bodyLimit: 1_048_576,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.addSchema(Problem);
  registerErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pointbook API',
        version: '1',
        description: 'Members, points ledger, programs. Errors are RFC 9457 problem+json with a stable `code` (docs/errors.md).',
      },
      components: { securitySchemes: { operatorToken: { type: 'http', scheme: 'bearer' } } },
      security: [{ operatorToken: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  healthRoutes(app, deps);
  await app.register(async (v1) => {
    const scoped = v1.withTypeProvider<TypeBoxTypeProvider>();
    scoped.addHook('onRequest', operatorAuthenticator(deps.adminToken));
    programRoutes(scoped, deps);
    memberRoutes(scoped, deps);
    pointsRoutes(scoped, deps);
    redemptionRoutes(scoped, deps);
    eventRoutes(scoped, deps);
    jobRoutes(scoped, deps);
    testClockRoutes(scoped, deps);
  });
  return app;
}
