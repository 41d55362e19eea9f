import { Type } from 'typebox';
import { createOperator, disableOperator, issueAccessKey, listOperators, reviewSignup, roles, signupsToReview, type Operator, type Signup } from '../../accounts/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { memberWithProgram, programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, Instant, MemberIdParams, nullable, responses } from '../schemas.js';
import { requestContext } from './auth.js';


const OperatorView = Type.Object({
  id: Type.String({ description: 'opr_…' }),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union(roles.map((role) => Type.Literal(role))),
  createdAt: Instant,
  disabledAt: nullable(Instant),
});
const toOperatorView = (o: Operator) => ({ ...o, createdAt: o.createdAt.toString(), disabledAt: o.disabledAt?.toString() ?? null });

const SignupView = Type.Object({
  id: Type.String({ description: 'sgn_…' }),
  program: Type.String(),
  kind: Type.String(),
  email: Type.String(),
  status: Type.Union([Type.Literal('email_sent'), Type.Literal('pending_review'), Type.Literal('active'), Type.Literal('rejected')]),
  memberId: nullable(Type.String()),
  applicant: nullable(Type.Object({ name: Type.String(), phone: Type.String(), contractId: Type.Optional(Type.String()) })),
  mismatches: nullable(Type.Array(Type.String(), { description: 'rejected: the fields that did not match the member' })),
  createdAt: Instant,
  emailVerifiedAt: nullable(Instant),
  reviewedAt: nullable(Instant),
  reviewedBy: nullable(Type.String()),
});
const toSignupView = (s: Signup) => ({
  ...s,
  createdAt: s.createdAt.toString(),
  emailVerifiedAt: s.emailVerifiedAt?.toString() ?? null,
  reviewedAt: s.reviewedAt?.toString() ?? null,
});

export function operatorRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/operators',
    { schema: { tags: ['operators'], summary: 'Operators and their roles', response: responses({ 200: Type.Object({ items: Type.Array(OperatorView) }) }, [401, 403]) } },
    async () => ({ items: (await listOperators(deps.db)).map(toOperatorView) }),
  );

  app.post(
    '/v1/operators',
    {
      schema: {
        tags: ['operators'],
        summary: 'Add an operator with a role',
        description: 'support: members, points, redemptions, sign-up review. marketing: programs and campaigns. finance: points, redemptions, refunds, liability. admin: everything.',
        body: Type.Object(
          { email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }), name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Union(roles.map((role) => Type.Literal(role))), password: Type.String({ minLength: 1, maxLength: 512 }) },
          closed,
        ),
        response: responses({ 201: OperatorView }, [400, 401, 403, 409, 422]),
      },
    },
    async (request, reply) => reply.code(201).send(toOperatorView(await createOperator(deps.db, request.body, requestContext(deps, request)))),
  );

  app.post(
    '/v1/operators/:operatorId/disable',
    {
      schema: {
        tags: ['operators'],
        summary: 'Disable an operator: their sessions end at once',
        params: Type.Object({ operatorId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: OperatorView }, [401, 403, 404]),
      },
    },
    async (request) => toOperatorView(await disableOperator(deps.db, request.params.operatorId, requestContext(deps, request))),
  );

  app.get(
    '/v1/programs/:program/signups',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Easy sign-ups waiting for review, oldest first (FL-1)',
        params: Type.Object({ program: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }, closed),
        response: responses({ 200: Type.Object({ items: Type.Array(SignupView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const after = decodeCursor(request.query.cursor, /^sgn_[0-9a-z]{26}$/);
      const page = await keysetPage(request.query.limit ?? 50, (limit) => signupsToReview(deps.accounts, program.key, after, limit));
      return { items: page.items.map(toSignupView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/programs/:program/signups/:signupId/review',
    {
      schema: {
        tags: ['accounts'],
        summary: "Verify an easy sign-up against a member's contract (FL-1)",
        description:
          "Compares the applicant's name and phone (and contract id, when given) with the member: a match opens the log-in (status active), " +
          'a mismatch rejects the sign-up with the fields in `mismatches`. The applicant is emailed either way.',
        params: Type.Object({ program: Type.String({ maxLength: 64 }), signupId: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({ memberId: Type.String({ minLength: 1, maxLength: 64, description: 'The member the applicant says they are' }) }, closed),
        response: responses({ 200: SignupView }, [400, 401, 403, 404, 409, 422]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const reviewed = await reviewSignup(deps.accounts, program, { signupId: request.params.signupId, memberId: request.body.memberId }, requestContext(deps, request));
      return toSignupView(reviewed);
    },
  );

  app.post(
    '/v1/members/:id/access-keys',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Issue the access key for an activation letter (FL-1)',
        description: 'Returned once, to print; only its SHA-256 is kept. A new key replaces the old one.',
        params: MemberIdParams,
        response: responses({ 201: Type.Object({ accessKey: Type.String({ examples: ['7K3M-Q9XD-2HPA-WT5E'] }) }) }, [401, 403, 404]),
      },
    },
    async (request, reply) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      const accessKey = await issueAccessKey(deps.db, member.id, { now: deps.clock.now(), actor: actorOf(request) });
      return reply.code(201).send({ accessKey });
    },
  );
}
