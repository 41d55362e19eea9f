import { refusal } from '../errors.js';
import { normaliseEmail } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { type Program, programName } from '../programs/index.js';
import { deviceHash } from './devices.js';
import type { AccountsEnv, RequestContext } from './env.js';
import { loginCodeHash, loginCodeLive, useLoginCode } from './login-codes.js';
import { countUnsuccessfulLogIn, defaultLoginDefence, logInGate } from './login-defence.js';
import { verifyDecoy, verifyPassword } from './passwords.js';
import { startSession, type NewSession } from './sessions.js';
import * as sql from './sql.js';
import { accountScope, addressScope, attemptSucceeded, claimAttempt } from './throttle.js';

const failed = () => refusal('login_failed', 'The email or the password is wrong; after 10 failures the log-in locks for 15 minutes');
const challengeRequired = () =>
  refusal('login_challenge_required', 'Many log-ins have failed lately: to log in from this device, ask for a code by email (POST /v1/auth/login-codes) and send it as loginCode with the password');
const codeInvalid = () => refusal('login_code_invalid', 'The log-in code is wrong, expired, used or replaced by a newer one; ask for a new one');

export interface MemberCredentials {
  email: string;
  password: string;
  /** The portal's id of this device: only its SHA-256 is kept (decision 72). */
  device?: string | undefined;
  /** The code emailed by `requestLoginCode`, when log-ins are challenged. */
  loginCode?: string | undefined;
}

/**
 * A member's log-in (FL-1). Unknown emails and wrong passwords answer alike, in the same time
 * (a decoy hash is verified), and count against the same throttle; only someone who knows the
 * password of an easy sign-up still under review learns that it is under review.
 *
 * F2, F3 (decision 72): a device known for the account logs in as before, into a verified
 * session. Any other device gets a session that must step up before it spends points or changes
 * credentials, and the owner is emailed about it. While log-ins are challenged (many failures
 * lately), another device is refused before its password is checked — alike for every email and
 * password — unless it brings the code emailed to the account, which also verifies it.
 */
export async function logInMember(
  env: AccountsEnv,
  program: Program,
  input: MemberCredentials,
  ctx: RequestContext,
): Promise<{ memberId: string; session: NewSession }> {
  const email = normaliseEmail(input.email);
  const policy = env.loginDefence ?? defaultLoginDefence;
  const device = input.device === undefined ? null : deviceHash(input.device);
  const attempt = { programKey: program.key, email, ip: ctx.ip, device };
  const { known, challenged } = await logInGate(env.db, policy, attempt, ctx.now);
  // What stuffing looks like: the owner's own device never counts.
  const unsuccessful = async () => {
    if (!known) await countUnsuccessfulLogIn(env.db, policy, attempt, ctx.now);
  };
  if (!known && input.loginCode === undefined && challenged) {
    await unsuccessful();
    throw challengeRequired();
  }
  const scopes = [addressScope(ctx.ip), accountScope('account', `${program.key}:${email}`)];
  await claimAttempt(env.db, scopes, ctx.now).catch(async (error: unknown) => {
    await unsuccessful();
    throw error;
  });
  // The code before the password: a made-up code costs no password hash, and says nothing about the password.
  const code = input.loginCode === undefined ? null : loginCodeHash(program.key, email, input.loginCode);
  if (code !== null && !(await loginCodeLive(env.db, code, ctx.now))) {
    await unsuccessful();
    throw codeInvalid();
  }
  const [account] = await env.db.query<sql.AccountRow>(sql.findAccountByEmail, [program.key, email]);
  if (!account) {
    const [pending] = await env.db.query<sql.SignupRow>(sql.pendingSignupByEmail, [program.key, email]);
    if (pending?.password_hash && (await verifyPassword(pending.password_hash, input.password))) {
      await attemptSucceeded(env.db, scopes);
      throw refusal('account_pending', 'We are checking your sign-up against your contract (about 2 days); we will email you when you can log in');
    }
    if (!pending) await verifyDecoy(input.password);
    await unsuccessful();
    throw failed();
  }
  if (!(await verifyPassword(account.password_hash, input.password))) {
    await unsuccessful();
    throw failed();
  }
  await attemptSucceeded(env.db, scopes);
  const session = await env.db.transaction(async (tx) => {
    if (code !== null && !(await useLoginCode(tx, code, ctx.now))) throw codeInvalid();
    const started = await startSession(tx, { kind: 'member', id: account.member_id }, { ...ctx, device: { hash: device, verified: known || code !== null } });
    // RELIABILITY.md F3: the owner hears of every device that was not known, in case it was not them.
    if (!known) {
      const vars = { at: ctx.now, programName: programName(program, account.locale), timeZone: program.timeZone };
      await enqueueEmail(tx, { memberId: account.member_id, to: account.email, template: 'new_log_in', locale: account.locale, vars }, ctx);
    }
    return started;
  });
  return { memberId: account.member_id, session };
}

/** An operator's log-in: the same throttling and answers; a disabled operator cannot log in. */
export async function logInOperator(
  env: AccountsEnv,
  input: { email: string; password: string },
  ctx: RequestContext,
): Promise<{ operatorId: string; session: NewSession }> {
  const email = normaliseEmail(input.email);
  const scopes = [addressScope(ctx.ip), accountScope('operator', email)];
  await claimAttempt(env.db, scopes, ctx.now);
  const [operator] = await env.db.query<{ id: string; password_hash: string; disabled_at: unknown }>(sql.findOperatorByEmail, [email]);
  if (!operator) {
    await verifyDecoy(input.password);
    throw failed();
  }
  if (!(await verifyPassword(operator.password_hash, input.password)) || operator.disabled_at !== null) throw failed();
  await attemptSucceeded(env.db, scopes);
  const session = await startSession(env.db, { kind: 'operator', id: operator.id }, ctx);
  return { operatorId: operator.id, session };
}
