import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { keyDeliveryFor } from '../../accounts/index.js';
import {
  listContactRequests,
  openContactReports,
  permissionsAt,
  reportContact,
  resolveContactReport,
  submitContactRequest,
  type ContactReport,
  type ContactRequest,
} from '../../consent/index.js';
import { refusal } from '../../errors.js';
import { contactChannels, requestChannels } from '../../programs/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf, principalOf } from '../auth.js';
import { once } from '../idempotency.js';
import { memberWithProgram, programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, IdempotencyKeyHeader, Instant, MemberIdParams, nullable, responses } from '../schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Scope = literals(['company', 'affiliates', 'all'] as const);
const Page = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }, closed);

const RequestBody = Type.Object(
  {
    kind: literals(['do_not_solicit', 'opt_in'] as const),
    channel: literals(requestChannels),
    scope: Scope,
    takenBy: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'DN-1: the staff member who took a phone or email request (required for those)' })),
    verification: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        phone: Type.String({ minLength: 1, maxLength: 32 }),
        contractNumber: Type.String({ minLength: 1, maxLength: 128, description: 'The id of one of the member\'s contracts' }),
      },
      { ...closed, description: 'DN-2, DN-8: used only to verify this request' },
    ),
    resubmissionOf: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'DN-2: the rejected request this one corrects' })),
  },
  {
    ...closed,
    examples: [
      { kind: 'do_not_solicit', channel: 'phone', scope: 'company', takenBy: '佐藤 (コールセンター)', verification: { name: '山田 花子', phone: '03-1234-5678', contractNumber: 'SN-0001' } },
    ],
  },
);

const RequestView = Type.Object({
  id: Type.String({ description: 'crq_…' }),
  memberId: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  scope: Type.String(),
  takenBy: nullable(Type.String()),
  status: literals(['received', 'verified', 'effective', 'rejected'] as const),
  mismatches: nullable(Type.Array(Type.String(), { description: 'rejected: the fields that did not match (name, phone, contractNumber)' })),
  resubmissionOf: nullable(Type.String()),
  receivedAt: Instant,
  verifiedAt: nullable(Instant),
  effectiveAt: nullable(Instant),
  confirmationId: nullable(Type.String({ description: 'DN-6: the confirmation message sent' })),
  purpose: Type.String({ description: 'DN-8: what the verification data is used for' }),
});
const toRequestView = (r: ContactRequest) => ({
  ...r,
  receivedAt: r.receivedAt.toString(),
  verifiedAt: r.verifiedAt?.toString() ?? null,
  effectiveAt: r.effectiveAt?.toString() ?? null,
});

const PermissionView = Type.Object({
  channel: Type.String(),
  purpose: Type.String(),
  scope: Type.String({ description: "'company' or an affiliate's id" }),
  allowed: Type.Boolean(),
  decidedBy: nullable(Type.String({ description: 'The request whose change is in force; null: the default (allowed) or DN-5 (transactional)' })),
  since: nullable(Instant),
});

const ReportView = Type.Object({
  id: Type.String({ description: 'crp_…' }),
  memberId: Type.String(),
  requestId: Type.String({ description: 'The request that should have stopped the contact' }),
  channel: Type.String(),
  scope: Type.String(),
  contactedAt: Instant,
  description: Type.String(),
  reportedAt: Instant,
  reportedBy: Type.String(),
  resolvedAt: nullable(Instant),
  resolvedBy: nullable(Type.String()),
});
const toReportView = (r: ContactReport) => ({
  ...r,
  contactedAt: r.contactedAt.toString(),
  reportedAt: r.reportedAt.toString(),
  resolvedAt: r.resolvedAt?.toString() ?? null,
});

export function consentRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/members/:id/contact-requests',
    {
      schema: {
        tags: ['consent'],
        summary: 'File a do-not-solicit or opt-in request (DN-1..DN-8)',
        description:
          'Members file through the web form (`channel: web`); staff record phone and email requests with `takenBy`. The verification ' +
          "is checked against the member's name, phone and contracts at once: a match is `verified` and takes effect at `effectiveAt` " +
          '(the program\'s business days for the channel; affiliates later), a mismatch is `rejected` with `mismatches` and can be ' +
          'corrected with `resubmissionOf`. A confirmation is emailed (transactional). Opting back in is only this explicit request (DN-7).',
        params: MemberIdParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKeyHeader) }),
        body: RequestBody,
        response: responses({ 201: RequestView }, [400, 401, 403, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const principal = principalOf(request);
      if (principal.kind === 'member' && request.body.channel !== 'web') {
        throw refusal('invalid_request', 'body.channel: members file requests through the web form (web); phone and email requests are recorded by staff');
      }
      const now = deps.clock.now();
      const stored = await once(
        deps.db,
        { scope: `${principal.actor} POST contact-requests ${member.id}`, key: request.headers['idempotency-key'], body: request.body, at: now.toString() },
        async (tx) => {
          const confirmTo = await keyDeliveryFor(tx, program, member);
          const created = await submitContactRequest(tx, program, member, request.body, { now, actor: principal.actor, confirmTo });
          return { status: 201, body: toRequestView(created) };
        },
      );
      return reply.code(stored.status).send(stored.body);
    },
  );

  app.get(
    '/v1/members/:id/contact-requests',
    {
      schema: {
        tags: ['consent'],
        summary: 'Contact requests with their status, newest first (DN-3)',
        params: MemberIdParams,
        querystring: Page,
        response: responses({ 200: Type.Object({ items: Type.Array(RequestView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      const before = decodeCursor(request.query.cursor, /^crq_[0-9a-z]{26}$/);
      const now = deps.clock.now();
      const page = await keysetPage(request.query.limit ?? 50, (limit) => listContactRequests(deps.db, member.id, { limit, before }, now));
      return { items: page.items.map(toRequestView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/members/:id/contact-permissions',
    {
      schema: {
        tags: ['consent'],
        summary: 'May the member be contacted — per channel × purpose × scope, at an instant, and what decided it',
        params: MemberIdParams,
        querystring: Type.Object({ at: Type.Optional({ ...Instant, description: 'Default now' }) }, closed),
        response: responses({ 200: Type.Object({ at: Instant, items: Type.Array(PermissionView) }) }, [400, 401, 403, 404, 422]),
      },
    },
    async (request) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const at = request.query.at ? Temporal.Instant.from(request.query.at) : deps.clock.now();
      const items = await permissionsAt(deps.db, program, member.id, at);
      return { at: at.toString(), items: items.map((p) => ({ ...p, since: p.since?.toString() ?? null })) };
    },
  );

  app.post(
    '/v1/members/:id/contact-reports',
    {
      schema: {
        tags: ['consent'],
        summary: 'Report a marketing contact after an effective opt-out (DN-6)',
        description: 'Recorded against the request that stopped that channel and scope at `contactedAt`, and listed for operators until resolved.',
        params: MemberIdParams,
        body: Type.Object(
          {
            channel: literals(contactChannels),
            scope: Type.String({ minLength: 1, maxLength: 64, default: 'company', description: "'company' or an affiliate's id" }),
            contactedAt: Instant,
            description: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          closed,
        ),
        response: responses({ 201: ReportView }, [400, 401, 403, 404, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const report = await reportContact(
        deps.db,
        program,
        member.id,
        { ...request.body, contactedAt: Temporal.Instant.from(request.body.contactedAt) },
        { now: deps.clock.now(), actor: actorOf(request) },
      );
      return reply.code(201).send(toReportView(report));
    },
  );

  app.post(
    '/v1/members/:id/contact-reports/:reportId/resolve',
    {
      schema: {
        tags: ['consent'],
        summary: 'Mark a reported contact as dealt with',
        params: Type.Object({ ...MemberIdParams.properties, reportId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: ReportView }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      return toReportView(await resolveContactReport(deps.db, member.id, request.params.reportId, { now: deps.clock.now(), actor: actorOf(request) }));
    },
  );

  app.get(
    '/v1/programs/:program/contact-reports',
    {
      schema: {
        tags: ['consent'],
        summary: 'Escalated contacts after opt-outs, not yet resolved, oldest first (DN-6)',
        params: Type.Object({ program: Type.String({ maxLength: 64 }) }),
        querystring: Page,
        response: responses({ 200: Type.Object({ items: Type.Array(ReportView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const after = decodeCursor(request.query.cursor, /^crp_[0-9a-z]{26}$/);
      const page = await keysetPage(request.query.limit ?? 50, (limit) => openContactReports(deps.db, program.key, after, limit));
      return { items: page.items.map(toReportView), nextCursor: page.nextCursor };
    },
  );
}
