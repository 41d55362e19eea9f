import { refusal } from '../errors.js';
import type { Program } from '../programs/index.js';
import type { AccountsEnv, RequestContext } from './env.js';
import { normaliseEmail } from '../members/index.js';
import { verifyDecoy, verifyPassword } from './passwords.js';
import { startSession, type NewSession } from './sessions.js';
import * as sql from './sql.js';
import { accountScope, addressScope, attemptSucceeded, claimAttempt } from './throttle.js';

const failed = () => refusal('login_failed', 'The email or the password is wrong; after 10 failures the log-in locks for 15 minutes');

/**
 * A member's log-in (FL-1). Unknown emails and wrong passwords answer alike, in the same time
 * (a decoy hash is verified), and count against the same throttle; only someone who knows the
 * password of an easy sign-up still under review learns that it is under review.
 */
export async function logInMember(
  env: AccountsEnv,
  program: Program,
  input: { email: string; password: string },
  ctx: RequestContext,
): Promise<{ memberId: string; session: NewSession }> {
  const email = normaliseEmail(input.email);
  const scopes = [addressScope(ctx.ip), accountScope('account', `${program.key}:${email}`)];
  await claimAttempt(env.db, scopes, ctx.now);
  const [account] = await env.db.query<sql.AccountRow>(sql.findAccountByEmail, [program.key, email]);
  if (!account) {
    const [pending] = await env.db.query<sql.SignupRow>(sql.pendingSignupByEmail, [program.key, email]);
    if (pending?.password_hash && (await verifyPassword(pending.password_hash, input.password))) {
      await attemptSucceeded(env.db, scopes);
      throw refusal('account_pending', 'We are checking your sign-up against your contract (about 2 days); we will email you when you can log in');
    }
    if (!pending) await verifyDecoy(input.password);
    throw failed();
  }
  if (!(await verifyPassword(account.password_hash, input.password))) throw failed();
  await attemptSucceeded(env.db, scopes);
  const session = await startSession(env.db, { kind: 'member', id: account.member_id }, ctx);
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
