import type { Clock } from '../clock.js';
import { withAuditScope } from '../audit/index.js';
import type { App } from './app.js';

/**
 * RELIABILITY J1 (decision 58): each request's handler runs in an audit scope — the caller, the
 * route as the role table names it, its path ids, the request id and client address — so every
 * transaction it commits writes its audit row (`auditWrites`). A preHandler, after authentication
 * and validation; callback-style so that the handler and all it awaits run inside the scope.
 */
export function registerAuditScope(app: App, clock: Clock): void {
  app.addHook('preHandler', (request, _reply, done) => {
    if (!request.routeOptions.config.access) {
      done();
      return;
    }
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    withAuditScope(
      {
        actor: request.principal?.actor ?? 'anonymous',
        action: `${method} ${request.routeOptions.url ?? request.url}`,
        at: clock.now(),
        targets: Object.values(request.params as Record<string, string>),
        requestId: request.id,
        ip: request.ip,
        jobRun: null,
      },
      done,
    );
  });
}
