import assert from 'node:assert/strict';
import type { Role } from '../../src/accounts/index.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { startSession, type SubjectKind } from '../../src/accounts/sessions.js';
import { openAccount } from '../../src/accounts/signup.js';
import { as, call, enrol, uniqueExternalId, type ApiContext } from './api.js';

/**
 * Members and operators already logged in, for tests about what callers may do rather than about
 * logging in. Members get their log-in from the accounts domain directly (the emailed sign-up link
 * is what test/http/accounts.test.ts proves); operators through the API, as an admin adds them.
 */

/** Long and unguessable enough for the password rules (RELIABILITY.md F5). */
export const PASSWORD = 'hikari fibre tumbler kettle 1';

export interface MemberLogIn {
  memberId: string;
  program: string;
  externalId: string;
  name: string;
  email: string;
  password: string;
  /** A session token of the member. */
  token: string;
}

export interface OperatorLogIn {
  operatorId: string;
  role: Role;
  email: string;
  password: string;
  token: string;
}

/** Enrols a member with `name` and `email` on record, opens their log-in with PASSWORD and starts a session. */
export async function givenMemberLogIn(ctx: ApiContext, program: string, person: { name: string; email: string }): Promise<MemberLogIn> {
  const externalId = uniqueExternalId('member');
  const memberId = await enrol(ctx.app, program, { externalId, ...person });
  const passwordHash = await hashPassword(PASSWORD);
  const now = ctx.clock.now();
  await ctx.db.transaction((tx) => openAccount(tx, { program, memberId, email: person.email, passwordHash, locale: 'ja' }, now));
  const token = await anotherSession(ctx, { kind: 'member', id: memberId });
  return { memberId, program, externalId, ...person, password: PASSWORD, token };
}

/** Adds an operator with the API token, then logs them in with POST /v1/auth/operator-sessions. */
export async function givenOperatorLogIn(ctx: ApiContext, role: Role, email = `${uniqueExternalId(role)}@pointbook.test`): Promise<OperatorLogIn> {
  const created = await call(ctx.app, 'POST', '/v1/operators', { email, name: `${role} operator`, role, password: PASSWORD });
  assert.equal(created.statusCode, 201, created.body);
  const loggedIn = await call(ctx.app, 'POST', '/v1/auth/operator-sessions', { email, password: PASSWORD }, as(null));
  assert.equal(loggedIn.statusCode, 201, loggedIn.body);
  return { operatorId: created.json<{ id: string }>().id, role, email, password: PASSWORD, token: loggedIn.json<{ token: string }>().token };
}

/** One more session of a member or an operator, for a test that ends it (log-out) and keeps the first. */
export async function anotherSession(ctx: ApiContext, subject: { kind: SubjectKind; id: string }): Promise<string> {
  const session = await startSession(ctx.db, subject, { now: ctx.clock.now() });
  return session.token;
}

/**
 * A fibre line of the member, started now, and its application to the flets-club welcome campaign
 * (`examples/programs/flets-club/campaigns/hikari-welcome-2026.yaml`): the line and application ids.
 */
export async function givenCampaignApplication(ctx: ApiContext, member: MemberLogIn): Promise<{ line: string; applicationId: string }> {
  const line = `FIBRE-${member.externalId}`;
  const at = ctx.clock.now().toString();
  const data = { contractId: line, type: 'flets-hikari', plan: 'home', commitmentDiscount: true, origin: 'new' };
  const events = await call(ctx.app, 'POST', `/v1/programs/${member.program}/events`, { events: [{ id: `start-${line}`, type: 'contract.started', member: { externalId: member.externalId }, occurredAt: at, data }] });
  assert.equal(events.statusCode, 200, events.body);
  const applied = await call(ctx.app, 'POST', '/v1/campaigns/hikari-welcome-2026/applications', { member: member.memberId, line, role: 'subscriber', option: 'discount' });
  assert.equal(applied.statusCode, 201, applied.body);
  return { line, applicationId: applied.json<{ id: string }>().id };
}
