import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  changePassword,
  confirmSignup,
  endSession,
  getOperator,
  logInMember,
  logInOperator,
  MAX_PASSWORD_LENGTH,
  requestLoginCode,
  requestPasswordReset,
  resetPassword,
  startSignup,
  withActingMember,
  type RequestContext,
} from '../../accounts/index.js';
import { stepUpDevice } from '../../redemption/step-up.js';
import type { App, AppDeps } from '../app.js';
import { principalOf } from '../auth.js';
import { fromTrustedLine, memberOrRefuse, programOrRefuse } from '../lookups.js';
import { closed, Instant, responses } from '../schemas.js';
import { toMemberView, MemberView } from './member-views.js';

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' });
// Longer than any password we accept, so an over-long one gets the password rules' message.
const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH * 4 });
const ProgramKey = Type.String({ minLength: 1, maxLength: 64 });
const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en')], { description: 'The language of our emails' });
const Token = Type.String({ minLength: 10, maxLength: 200, description: 'From the emailed link (after #token=)' });
const CustomerId = Type.String({ minLength: 1, maxLength: 128, description: "The customer id (the member's external id)" });
const Device = Type.String({
  minLength: 22,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_-]{22,128}$',
  description: 'F3 (decision 72): a random id the client keeps for this device (at least 128 bits, base64url); only its SHA-256 is kept',
});
const LoginCode = Type.String({ pattern: '^[0-9]{8}$', description: 'F2: the code from POST /v1/auth/login-codes, when log-ins are challenged' });

const SignupBody = Type.Union(
  [
    Type.Object({ program: ProgramKey, kind: Type.Literal('access_key'), customerId: CustomerId, accessKey: Type.String({ minLength: 1, maxLength: 64 }), email: Email, locale: Type.Optional(Locale) }, closed),
    Type.Object({ program: ProgramKey, kind: Type.Literal('registered_email'), customerId: CustomerId, locale: Type.Optional(Locale) }, closed),
    Type.Object(
      {
        program: ProgramKey,
        kind: Type.Literal('easy'),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        phone: Type.String({ minLength: 4, maxLength: 32 }),
        email: Email,
        contractId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        locale: Type.Optional(Locale),
      },
      closed,
    ),
  ],
  {
    examples: [
      { program: 'flets-club', kind: 'access_key', customerId: 'CAF12345678', accessKey: '7K3M-Q9XD-2HPA-WT5E', email: 'taro@example.jp' },
      { program: 'flets-club', kind: 'easy', name: '山田 太郎', phone: '090-1234-5678', email: 'taro@example.jp', contractId: 'FLT-0001' },
    ],
  },
);

const SessionView = Type.Object(
  {
    token: Type.String({ description: 'Send as "Authorization: Bearer <token>"' }),
    expiresAt: Instant,
    memberId: Type.Optional(Type.String()),
    operatorId: Type.Optional(Type.String()),
  },
  { examples: [{ token: 'pbs_Xq…', expiresAt: '2026-04-01T12:00:00Z', memberId: 'mbr_01jr7k2a4s6d8f0g2h4j6k8l0z' }] },
);
const Credentials = Type.Object(
  { program: ProgramKey, email: Email, password: Password, device: Type.Optional(Device), loginCode: Type.Optional(LoginCode) },
  { ...closed, examples: [{ program: 'flets-club', email: 'taro@example.jp', password: 'hikari fibre tumbler kettle', device: 'Jc8qv0Yx3kQ2mWb7nLp4sRtA' }] },
);

const MeView = Type.Union([
  Type.Object({ kind: Type.Literal('member'), member: MemberView }),
  Type.Object({ kind: Type.Literal('operator'), operator: Type.Object({ id: Type.Union([Type.String(), Type.Null()]), role: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }) }),
]);

export function requestContext(deps: AppDeps, request: FastifyRequest): RequestContext {
  return { now: deps.clock.now(), actor: request.principal?.actor ?? 'anonymous', ip: request.ip };
}

/** FL-5: the gateway's word that the request comes from the member's registered line (as for redemptions). */
export function authRoutes(app: App, deps: AppDeps): void {
  const env = deps.accounts;

  // F3 (decision 72): every route's handler runs knowing which member session acts, so a service
  // (redemption, credential changes) can ask whether its device is verified without each route
  // passing the session down. Registered here, before the other routes of /v1; callback-style so
  // that the handler and all it awaits run inside the scope (as the audit scope does).
  app.addHook('preHandler', (request, _reply, done) => {
    const principal = request.principal;
    if (principal?.kind !== 'member') {
      done();
      return;
    }
    withActingMember({ memberId: principal.memberId, sessionTokenHash: principal.sessionTokenHash }, done);
  });

  app.post(
    '/v1/auth/signups',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Start a member sign-up (FL-1): we email a link to set the password',
        description:
          '`access_key`: the customer id and access key of the activation letter (a wrong pair is 422 access_key_mismatch; guesses are ' +
          'throttled like log-ins). `registered_email`: the customer id; the link goes to the email on record, and the answer is the same ' +
          'whether or not the customer exists. `easy`: name, phone, email and optionally the contract id; after the link, an operator checks ' +
          'them against the contract (about 2 days). The program offers the kinds in its `accounts.signUp`.',
        security: [],
        body: SignupBody,
        response: responses({ 202: Type.Object({ status: Type.Literal('email_sent') }) }, [400, 404, 409, 422, 429]),
      },
    },
    async (request, reply) => {
      const { program: key, ...signup } = request.body;
      await startSignup(env, programOrRefuse(deps, key), signup, requestContext(deps, request));
      return reply.code(202).send({ status: 'email_sent' as const });
    },
  );

  app.post(
    '/v1/auth/signups/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Finish a sign-up from its emailed link: choose the password',
        description:
          'With an access key or registered email the account opens and a session starts (201). An easy sign-up waits for an operator to ' +
          'verify it against the contract (202 pending_review). Passwords: 8–128 characters, not easy to guess, not your email or ids ' +
          '(422 weak_password, and the link still works). A used or expired link is 422 link_invalid. The link proves the email, so the ' +
          "session's `device` is verified and known for later log-ins.",
        security: [],
        body: Type.Object({ token: Token, password: Password, device: Type.Optional(Device) }, closed),
        response: responses(
          {
            201: Type.Object({ status: Type.Literal('active'), memberId: Type.String(), token: Type.String(), expiresAt: Instant }),
            202: Type.Object({ status: Type.Literal('pending_review') }),
          },
          [400, 409, 422],
        ),
      },
    },
    async (request, reply) => {
      const result = await confirmSignup(env, deps.programs, request.body, requestContext(deps, request));
      if (result.status === 'pending_review') return reply.code(202).send(result);
      return reply.code(201).send({ status: result.status, memberId: result.memberId, token: result.session.token, expiresAt: result.session.expiresAt.toString() });
    },
  );

  app.post(
    '/v1/auth/sessions',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Member log-in',
        description:
          'Unknown emails and wrong passwords both answer 401 login_failed. After 10 failures an account locks for 15 minutes (429 ' +
          'too_many_attempts with Retry-After; a reset link unlocks it); an address, after 100 failures in 15 minutes. An easy sign-up still ' +
          'under review is 403 account_pending. F2, F3 (decision 72): send the `device` id the client keeps. From a device not known for the ' +
          'account the session must step up (a key by email, or the registered line) before it redeems or changes credentials, and the owner ' +
          'is emailed. While many log-ins fail (program-wide or from one address) such a device is refused before the password is checked, ' +
          'with 403 login_challenge_required alike for every email and password; its owner asks for a code (POST /v1/auth/login-codes) and ' +
          'sends it as `loginCode` with the password (a wrong one is 401 login_code_invalid), which also verifies the device.',
        security: [],
        body: Credentials,
        response: responses({ 201: SessionView }, [400, 401, 403, 404, 429]),
      },
    },
    async (request, reply) => {
      const { program, ...credentials } = request.body;
      const { memberId, session } = await logInMember(env, programOrRefuse(deps, program), credentials, requestContext(deps, request));
      return reply.code(201).send({ token: session.token, expiresAt: session.expiresAt.toString(), memberId });
    },
  );

  app.post(
    '/v1/auth/login-codes',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Ask for a one-time log-in code by email (to log in from a new device while log-ins are challenged)',
        description:
          'F2 (decision 72): always 202, whether or not the account exists. Eight digits to the account\'s email, 10 minutes, once; a newer ' +
          'code revokes the older. Send it as `loginCode` with the password to POST /v1/auth/sessions.',
        security: [],
        body: Type.Object({ program: ProgramKey, email: Email }, closed),
        response: responses({ 202: Type.Object({ status: Type.Literal('email_sent') }) }, [400, 404]),
      },
    },
    async (request, reply) => {
      await requestLoginCode(env, programOrRefuse(deps, request.body.program), request.body, requestContext(deps, request));
      return reply.code(202).send({ status: 'email_sent' as const });
    },
  );

  app.post(
    '/v1/auth/operator-sessions',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Operator log-in (roles: support, marketing, finance, admin)',
        security: [],
        body: Type.Object({ email: Email, password: Password }, closed),
        response: responses({ 201: SessionView }, [400, 401, 429]),
      },
    },
    async (request, reply) => {
      const { operatorId, session } = await logInOperator(env, request.body, requestContext(deps, request));
      return reply.code(201).send({ token: session.token, expiresAt: session.expiresAt.toString(), operatorId });
    },
  );

  app.delete(
    '/v1/auth/sessions/current',
    {
      schema: { tags: ['accounts'], summary: 'Log out: ends the session in use', response: responses({ 204: Type.Null() }, [401, 422]) },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionTokenHash) await endSession(deps.db, principal.sessionTokenHash, deps.clock.now());
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/auth/password-resets',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Ask for a password reset link (to the email of the account only)',
        description: 'Always 202, whether or not the account exists. The link lives 10 minutes and works once; a newer link revokes it.',
        security: [],
        body: Type.Object({ program: ProgramKey, email: Email }, closed),
        response: responses({ 202: Type.Object({ status: Type.Literal('email_sent') }) }, [400, 404]),
      },
    },
    async (request, reply) => {
      await requestPasswordReset(env, programOrRefuse(deps, request.body.program), request.body, requestContext(deps, request));
      return reply.code(202).send({ status: 'email_sent' as const });
    },
  );

  app.post(
    '/v1/auth/password-resets/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Set a new password from a reset link',
        description: 'Ends every session of the account, lifts a log-in lock, and emails the owner that the password changed.',
        security: [],
        body: Type.Object({ token: Token, password: Password }, closed),
        response: responses({ 204: Type.Null() }, [400, 422]),
      },
    },
    async (request, reply) => {
      await resetPassword(env, deps.programs, request.body, requestContext(deps, request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/me',
    { schema: { tags: ['accounts'], summary: 'Who the token belongs to', response: responses({ 200: MeView }, [401]) } },
    async (request) => {
      const principal = principalOf(request);
      if (principal.kind === 'member') return { kind: 'member' as const, member: toMemberView(await memberOrRefuse(deps, principal.memberId)) };
      const operatorId = principal.actor.startsWith('operator:opr_') ? principal.actor.slice('operator:'.length) : null;
      const operator = operatorId ? await getOperator(deps.db, operatorId) : undefined;
      return { kind: 'operator' as const, operator: { id: operatorId, role: principal.role, email: operator?.email ?? null } };
    },
  );

  app.post(
    '/v1/me/password',
    {
      schema: {
        tags: ['accounts'],
        summary: "Change the member's password",
        description:
          'Needs the current password (throttled like a log-in). Ends the other sessions, forgets their devices and emails the owner. ' +
          "F3 (decision 72): from a device not verified yet, first a step-up — the registered line or a `stepUpKey` from " +
          'POST /v1/members/{id}/step-up-keys (422 step_up_required otherwise) — which verifies the device.',
        body: Type.Object(
          {
            currentPassword: Password,
            newPassword: Password,
            stepUpKey: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'F3: a key from POST /v1/members/{id}/step-up-keys, from a device not verified yet' })),
          },
          closed,
        ),
        response: responses({ 204: Type.Null() }, [400, 401, 403, 422, 429]),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'member') throw new Error('assertion failed: the role table lets only members here');
      const program = programOrRefuse(deps, principal.program);
      const { stepUpKey, ...passwords } = request.body;
      await stepUpDevice(deps.db, program, principal.memberId, { trustedLine: fromTrustedLine(program, request), key: stepUpKey }, 'password_change', { now: deps.clock.now() });
      await changePassword(env, program, principal.memberId, { ...passwords, sessionTokenHash: principal.sessionTokenHash }, requestContext(deps, request));
      return reply.code(204).send();
    },
  );
}
