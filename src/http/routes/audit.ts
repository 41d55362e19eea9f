import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { listAudit } from '../../audit/index.js';
import { refusal } from '../../errors.js';
import type { App, AppDeps } from '../app.js';
import { Instant, responses } from '../schemas.js';

const AuditEntryView = Type.Object({
  id: Type.String(),
  transaction: Type.Integer({ description: 'The database transaction that made the change; entries of one transaction share it' }),
  at: Instant,
  actor: Type.String({ description: 'operator:opr_…, operator:admin-token, member:mbr_…, job:<name>, or anonymous' }),
  action: Type.String({ description: "The route, as the role table names it ('POST /v1/members/:id/adjustments'), or job:<name>" }),
  targets: Type.Array(Type.String(), { description: 'Ids and keys in the path, and the ids the change wrote' }),
  requestId: Type.Union([Type.String(), Type.Null()], { description: 'As in the server log and the x-request-id header' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  jobRun: Type.Union([Type.String(), Type.Null()], { description: 'program/job/period of the job run' }),
});

const CURSOR = /^(\d{1,20}) (aud_[0-9a-z]{26})$/;

function decodeAuditCursor(cursor: string | undefined): { transaction: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1] || !match[2]) throw refusal('invalid_request', 'querystring.cursor: is not a cursor this API gave out');
  return { transaction: Number(match[1]), id: match[2] };
}

export function auditRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log: who changed what, newest first',
        description: 'One entry per committed transaction of a request or job run (RELIABILITY J1). Filters combine; `pointbook audit verify` proves the sealed part unaltered (J2).',
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ maxLength: 100, description: 'Exactly, e.g. operator:opr_…' })),
            target: Type.Optional(Type.String({ maxLength: 100, description: 'An id the change named, e.g. a member id' })),
            action: Type.Optional(Type.String({ maxLength: 200 })),
            from: Type.Optional({ ...Instant, description: 'At or after' }),
            to: Type.Optional({ ...Instant, description: 'Before' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(AuditEntryView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }, [400, 401, 403]),
      },
    },
    async (request) => {
      const { actor, target, action, from, to } = request.query;
      const limit = request.query.limit ?? 50;
      const rows = await listAudit(deps.db, {
        actor,
        target,
        action,
        from: from === undefined ? undefined : Temporal.Instant.from(from),
        to: to === undefined ? undefined : Temporal.Instant.from(to),
        before: decodeAuditCursor(request.query.cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((e) => ({ ...e, at: e.at.toString() })),
        nextCursor: rows.length > limit && last ? Buffer.from(`${last.transaction} ${last.id}`).toString('base64url') : null,
      };
    },
  );
}
