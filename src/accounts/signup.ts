import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { newId } from '../ids.js';
import { findByExternalId, getMember, normaliseEmail } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { defaultLocale, type Locale, type Program, programName, type ProgramRegistry, type SignUpKind } from '../programs/index.js';
import { accessKeyMatches } from './access-keys.js';
import { deviceHash } from './devices.js';
import { emailLink, type AccountsEnv, type RequestContext } from './env.js';
import { checkPasswordRules, hashPassword } from './passwords.js';
import { newSecret, secretHash } from './secrets.js';
import { startSession, type NewSession } from './sessions.js';
import * as sql from './sql.js';
import { accountScope, addressScope, attemptSucceeded, claimAttempt } from './throttle.js';

/**
 * FL-1 sign-up: a first form, an emailed link, then a password. The link proves the email; the
 * first form proves the customer — by the access key of their activation letter, by the email
 * already on record, or (easy sign-up) by an operator checking name, phone and contract.
 */
export type SignupRequest =
  | { kind: 'access_key'; customerId: string; accessKey: string; email: string; locale?: Locale | undefined }
  | { kind: 'registered_email'; customerId: string; locale?: Locale | undefined }
  | { kind: 'easy'; name: string; phone: string; email: string; contractId?: string | undefined; locale?: Locale | undefined };

export const SIGNUP_LINK_HOURS = 24;

/**
 * Starts a sign-up and emails the link. Answers the same whether or not a `registered_email`
 * customer id exists, so the form cannot be used to find customers; a wrong access key is said
 * (it needs the letter), and guessing it is throttled like a password.
 */
export async function startSignup(env: AccountsEnv, program: Program, request: SignupRequest, ctx: RequestContext): Promise<void> {
  offered(program, request.kind);
  const locale = request.locale ?? program.accounts?.defaultLocale ?? defaultLocale;
  if (request.kind === 'easy') {
    const applicant = { name: request.name, phone: request.phone, ...(request.contractId ? { contractId: request.contractId } : {}) };
    await begin(env, program, { kind: 'easy', email: normaliseEmail(request.email), locale, memberId: null, applicant }, ctx);
    return;
  }
  const scopes = [addressScope(ctx.ip), accountScope('account', `${program.key}:customer:${request.customerId}`)];
  await claimAttempt(env.db, scopes, ctx.now);
  const memberId = await findByExternalId(env.db, program.key, request.customerId);
  if (request.kind === 'access_key') {
    const matches = memberId !== undefined && (await accessKeyMatches(env.db, memberId, request.accessKey));
    if (!matches || memberId === undefined) {
      throw refusal('access_key_mismatch', 'The customer id and access key do not match; both are on your activation letter');
    }
    await attemptSucceeded(env.db, scopes);
    await refuseIfAccount(env.db, memberId);
    await begin(env, program, { kind: 'access_key', email: normaliseEmail(request.email), locale, memberId, applicant: null }, ctx);
    return;
  }
  const member = memberId === undefined ? undefined : await getMember(env.db, memberId);
  // The link goes only to the address on record; anything else is answered alike and sends nothing.
  if (!member?.email) return;
  const [account] = await env.db.query(sql.getAccount, [member.id]);
  if (account) return;
  await attemptSucceeded(env.db, scopes);
  await begin(env, program, { kind: 'registered_email', email: normaliseEmail(member.email), locale, memberId: member.id, applicant: null }, ctx);
}

function offered(program: Program, kind: SignUpKind): void {
  if (!program.accounts?.signUp.includes(kind)) {
    const offers = program.accounts?.signUp.join(', ') || 'none';
    throw refusal('signup_not_offered', `Program ${program.key} does not offer ${kind} sign-up (it offers: ${offers})`);
  }
}

async function refuseIfAccount(q: Queryable, memberId: string): Promise<void> {
  const [account] = await q.query(sql.getAccount, [memberId]);
  if (account) throw refusal('account_exists', 'This customer already has a log-in; log in, or reset the password by email');
}

interface NewSignup {
  kind: SignUpKind;
  email: string;
  locale: Locale;
  memberId: string | null;
  applicant: sql.SignupRow['applicant'];
}

async function begin(env: AccountsEnv, program: Program, signup: NewSignup, ctx: RequestContext): Promise<void> {
  const id = newId('sgn');
  const token = newSecret('pbl');
  const expiresAt = ctx.now.add({ hours: SIGNUP_LINK_HOURS });
  await env.db.transaction(async (tx) => {
    await tx.query(sql.insertSignup, [
      id, program.key, signup.kind, signup.email, signup.locale, signup.memberId,
      signup.applicant && JSON.stringify(signup.applicant), ctx.now.toString(),
    ]);
    await tx.query(sql.insertEmailToken, [secretHash(token), 'signup', id, expiresAt.toString(), ctx.now.toString()]);
    await enqueueEmail(
      tx,
      {
        memberId: signup.memberId,
        to: signup.email,
        template: 'signup_verification',
        locale: signup.locale,
        vars: { link: emailLink(env, 'signup/confirm', token), expiresAt, programName: programName(program, signup.locale), timeZone: program.timeZone },
      },
      ctx,
    );
  });
}


export type SignupConfirmed = { status: 'active'; memberId: string; session: NewSession } | { status: 'pending_review' };

/**
 * The emailed link and the chosen password. The link is used up only with an acceptable password,
 * so a refused password can be retried from the same link. The link proved the email, so the
 * session's device (the portal's `device` id, when sent) is verified and known from then on.
 */
export async function confirmSignup(
  env: AccountsEnv,
  programs: Pick<ProgramRegistry, 'get'>,
  input: { token: string; password: string; device?: string | undefined },
  ctx: RequestContext,
): Promise<SignupConfirmed> {
  const tokenHash = secretHash(input.token);
  const [pending] = await env.db.query<sql.SignupRow>(sql.signupOfToken, [tokenHash, ctx.now.toString()]);
  if (!pending) throw refusal('link_invalid', 'This link has expired or was already used; sign up again to get a new one');
  const program = programs.get(pending.program_key);
  if (!program) throw refusal('unknown_program', `Program ${pending.program_key} is not loaded`);
  const member = pending.member_id ? await getMember(env.db, pending.member_id) : undefined;
  await checkPasswordRules(input.password, [pending.email, member?.externalId ?? '', member?.name ?? '', pending.applicant?.name ?? '']);
  const passwordHash = await hashPassword(input.password);

  const result = await env.db.transaction(async (tx): Promise<SignupConfirmed> => {
    const used = await tx.query(sql.useEmailToken, [tokenHash, 'signup', ctx.now.toString()]);
    if (used.length === 0) throw refusal('link_invalid', 'This link has expired or was already used; sign up again to get a new one');
    if (pending.kind === 'easy') {
      await tx.query(sql.signupEmailVerified, [pending.id, 'pending_review', ctx.now.toString(), passwordHash]);
      await enqueueEmail(
        tx,
        { memberId: null, to: pending.email, template: 'signup_pending_review', locale: pending.locale, vars: { programName: programName(program, pending.locale) } },
        ctx,
      );
      return { status: 'pending_review' };
    }
    const memberId = pending.member_id!;
    await openAccount(tx, { program: program.key, memberId, email: pending.email, passwordHash, locale: pending.locale }, ctx.now);
    await tx.query(sql.signupEmailVerified, [pending.id, 'active', ctx.now.toString(), null]);
    const device = { hash: input.device === undefined ? null : deviceHash(input.device), verified: true };
    const session = await startSession(tx, { kind: 'member', id: memberId }, { ...ctx, device });
    return { status: 'active', memberId, session };
  });
  return result;
}

/** The log-in itself: the email claimed for the program, then the account. */
export async function openAccount(
  tx: Queryable,
  account: { program: string; memberId: string; email: string; passwordHash: string; locale: Locale },
  now: Temporal.Instant,
): Promise<void> {
  const [claimed] = await tx.query(sql.claimEmail, [account.program, account.email, account.memberId]);
  if (!claimed) throw refusal('account_exists', 'This email already logs in to another account of the program; use another email, or log in');
  const [inserted] = await tx.query(sql.insertAccount, [account.memberId, account.program, account.email, account.passwordHash, account.locale, now.toString()]);
  if (!inserted) throw refusal('account_exists', 'This customer already has a log-in; log in, or reset the password by email');
}

