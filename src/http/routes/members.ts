import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import { enrolMember, getMember, type Member } from '../../members/index.js';
import { Temporal } from 'temporal-polyfill';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { once } from '../idempotency.js';
import { IdempotencyKeyHeader, Instant, MemberIdParams, responses } from '../schemas.js';

const MemberView = Type.Object({
  id: Type.String({ description: 'mbr_…' }),
  externalId: Type.String(),
  program: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  birthDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  joinedAt: Instant,
  createdAt: Instant,
});

const EnrolBody = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 128, description: "The member's id in the upstream system" }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    birthDate: Type.Optional(Type.String({ format: 'date' })),
    joinedAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

function toMemberView(member: Member) {
  return { ...member, joinedAt: member.joinedAt.toString(), createdAt: member.createdAt.toString() };
}

export function memberRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/programs/:program/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Enrol a member',
        description: 'Opens the member and their points account. An external id already enrolled is 409 member_exists.',
        params: Type.Object({ program: Type.String() }),
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKeyHeader) }),
        body: EnrolBody,
        response: responses({ 201: MemberView }, [400, 401, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const program = deps.programs.get(request.params.program);
      if (!program) throw refusal('unknown_program', `There is no program "${request.params.program}"`);
      const actor = actorOf(request);
      const now = deps.clock.now();
      const { body } = request;
      const stored = await once(
        deps.db,
        { scope: `${actor} POST members ${program.key}`, key: request.headers['idempotency-key'], body, at: now.toString() },
        async (tx) => {
          const member = await enrolMember(
            tx,
            {
              program: program.key,
              externalId: body.externalId,
              name: body.name,
              email: body.email,
              birthDate: body.birthDate,
              joinedAt: body.joinedAt === undefined ? undefined : Temporal.Instant.from(body.joinedAt),
            },
            { now, actor },
          );
          return { status: 201, body: toMemberView(member) };
        },
      );
      return reply.code(stored.status).send(stored.body);
    },
  );

  app.get(
    '/v1/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'A member',
        params: MemberIdParams,
        response: responses({ 200: MemberView }, [400, 401, 404]),
      },
    },
    async (request) => {
      const member = await getMember(deps.db, request.params.id);
      if (!member) throw refusal('not_found', `There is no member ${request.params.id}`);
      return toMemberView(member);
    },
  );
}
