import { Type } from 'typebox';
import { statement } from '../../db/index.js';
import type { App, AppDeps } from '../app.js';

const ping = statement('http.health', 'select 1 as ok');

export function healthRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) },
      },
    },
    async () => {
      await deps.db.query(ping);
      return { status: 'ok' as const, database: deps.db.kind };
    },
  );
}
