import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { awardEnrolmentBonus } from '../../earning/enrolment.js';
import { enrolMember, getStatus, linkAccount, listContracts, listLinks, listMemberships, listStatusChanges } from '../../members/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { memberOrRefuse, programOrRefuse } from '../lookups.js';
import { once } from '../idempotency.js';
import { IdempotencyKeyHeader, Instant, MemberIdParams, responses } from '../schemas.js';
import { ContractView, LinkView, MemberView, PostalAddressSchema, toContractView, toLinkView, toMemberView } from './member-views.js';

const EnrolBody = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 128, description: "The member's id in the upstream system" }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 -]{5,20}$' })),
    birthDate: Type.Optional(Type.String({ format: 'date' })),
    postalAddress: Type.Optional(PostalAddressSchema),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 })),
    joinedAt: Type.Optional({ ...Instant, description: 'When the member first joined (tenure counts from it); default now' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        externalId: 'C-1001',
        name: '山田 花子',
        email: 'hanako@example.jp',
        phone: '+81 3 1234 5678',
        birthDate: '1990-05-17',
        postalAddress: { postalCode: '100-0001', region: '東京都', locality: '千代田区', line1: '千代田1-1' },
        country: 'JP',
        joinedAt: '2010-04-01T00:00:00+09:00',
      },
    ],
  },
);

const EnrolledView = Type.Object({
  ...MemberView.properties,
  reenrolled: Type.Boolean({ description: 'true when a former member came back: same member, new membership period' }),
  bonuses: Type.Array(Type.Object({ bonus: Type.String(), points: Type.Integer(), position: Type.Integer() })),
});

export function memberRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/programs/:program/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Enrol a member (or re-enrol a former one)',
        description:
          'Opens the member, a membership period and their points account, and awards enrolment bonuses (SR-1). An external id whose membership ended is re-enrolled: same member, new period. An active one is 409 member_exists.',
        params: Type.Object({ program: Type.String() }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKeyHeader) }),
        body: EnrolBody,
        response: responses({ 201: EnrolledView }, [400, 401, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const program = programOrRefuse(deps, request.params.program);
      const actor = actorOf(request);
      const now = deps.clock.now();
      const { body } = request;
      const stored = await once(
        deps.db,
        { scope: `${actor} POST members ${program.key}`, key: request.headers['idempotency-key'], body, at: now.toString() },
        async (tx) => {
          const joinedAt = body.joinedAt === undefined ? undefined : Temporal.Instant.from(body.joinedAt);
          const enrolment = await enrolMember(tx, { ...body, program: program.key, joinedAt }, { now, actor });
          const bonuses = await awardEnrolmentBonus(tx, program, enrolment, { now, actor });
          return { status: 201, body: { ...toMemberView(enrolment.member), reenrolled: enrolment.reenrolled, bonuses } };
        },
      );
      return reply.code(stored.status).send(stored.body);
    },
  );

  app.get(
    '/v1/members/:id',
    { schema: { tags: ['members'], summary: 'A member', params: MemberIdParams, response: responses({ 200: MemberView }, [401, 404]) } },
    async (request) => toMemberView(await memberOrRefuse(deps, request.params.id)),
  );

  app.get(
    '/v1/members/:id/memberships',
    {
      schema: {
        tags: ['members'],
        summary: 'Membership periods, oldest first',
        params: MemberIdParams,
        response: responses({ 200: Type.Array(Type.Object({ startedAt: Instant, endedAt: Type.Union([Instant, Type.Null()]) })) }, [401, 404]),
      },
    },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      const periods = await listMemberships(deps.db, member.id);
      return periods.map((p) => ({ startedAt: p.startedAt.toString(), endedAt: p.endedAt?.toString() ?? null }));
    },
  );

  app.get(
    '/v1/members/:id/contracts',
    { schema: { tags: ['members'], summary: 'Contracts (lines)', params: MemberIdParams, response: responses({ 200: Type.Array(ContractView) }, [401, 404]) } },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      return (await listContracts(deps.db, member.id)).map(toContractView);
    },
  );

  app.get(
    '/v1/members/:id/status',
    {
      schema: {
        tags: ['members'],
        summary: 'Status (tier) and its changes by month',
        params: MemberIdParams,
        response: responses(
          {
            200: Type.Object({
              tier: Type.Union([Type.String(), Type.Null()]),
              since: Type.Union([Instant, Type.Null()]),
              changes: Type.Array(Type.Object({ month: Type.String(), from: Type.Union([Type.String(), Type.Null()]), to: Type.String(), direction: Type.String(), changedAt: Instant })),
            }),
          },
          [401, 404],
        ),
      },
    },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      const status = await getStatus(deps.db, member.id);
      const changes = await listStatusChanges(deps.db, member.id);
      return {
        tier: status?.tier ?? null,
        since: status?.since.toString() ?? null,
        changes: changes.map((c) => ({ ...c, changedAt: c.changedAt.toString() })),
      };
    },
  );

  app.post(
    '/v1/members/:id/links',
    {
      schema: {
        tags: ['members'],
        summary: 'Link an account of another system (SR-8)',
        description: 'Orders placed before the link earn nothing (SR-4). Linking again is harmless; an account linked to another member is 409 link_exists.',
        params: MemberIdParams,
        body: Type.Object(
          { system: Type.String({ minLength: 1, maxLength: 64 }), accountId: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: responses({ 200: LinkView, 201: LinkView }, [400, 401, 404, 409]),
      },
    },
    async (request, reply) => {
      const member = await memberOrRefuse(deps, request.params.id);
      const now = deps.clock.now();
      const { link, created } = await deps.db.transaction((tx) =>
        linkAccount(tx, { program: member.program, memberId: member.id, ...request.body }, { now, actor: actorOf(request) }),
      );
      return reply.code(created ? 201 : 200).send(toLinkView(link));
    },
  );

  app.get(
    '/v1/members/:id/links',
    { schema: { tags: ['members'], summary: 'Linked accounts', params: MemberIdParams, response: responses({ 200: Type.Array(LinkView) }, [401, 404]) } },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      return (await listLinks(deps.db, member.id)).map(toLinkView);
    },
  );
}
