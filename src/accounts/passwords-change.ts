import type { Queryable } from '../db/index.js';
import { refusal } from '../errors.js';
import { getMember, normaliseEmail } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { type Program, programName, type ProgramRegistry } from '../programs/index.js';
import { emailLink, type AccountsEnv, type RequestContext } from './env.js';
import { checkPasswordRules, hashPassword, verifyPassword } from './passwords.js';
import { newSecret, secretHash } from './secrets.js';
import { endOtherSessions } from './sessions.js';
import * as sql from './sql.js';
import { accountScope, attemptSucceeded, claimAttempt, clearAccountThrottle } from './throttle.js';

/** RELIABILITY.md F4: ASVS 6.5.5 caps out-of-band codes at 10 minutes. */
export const RESET_LINK_MINUTES = 10;

/**
 * Asks for a reset link. Recovery is never by what someone knows (birth date, address): the link
 * goes only to the account's own email. The answer is the same whether or not the account exists.
 */
export async function requestPasswordReset(env: AccountsEnv, program: Program, input: { email: string }, ctx: RequestContext): Promise<void> {
  const email = normaliseEmail(input.email);
  const [account] = await env.db.query<sql.AccountRow>(sql.findAccountByEmail, [program.key, email]);
  if (!account) return;
  const token = newSecret('pbl');
  const expiresAt = ctx.now.add({ minutes: RESET_LINK_MINUTES });
  await env.db.transaction(async (tx) => {
    await tx.query(sql.revokeEmailTokens, [account.member_id, 'password_reset', ctx.now.toString()]);
    await tx.query(sql.insertEmailToken, [secretHash(token), 'password_reset', account.member_id, expiresAt.toString(), ctx.now.toString()]);
    await enqueueEmail(
      tx,
      {
        memberId: account.member_id,
        to: account.email,
        template: 'password_reset',
        locale: account.locale,
        vars: { link: emailLink(env, 'password-reset', token), expiresAt, programName: programName(program, account.locale), timeZone: program.timeZone },
      },
      ctx,
    );
  });
}

/** Sets the password from a reset link: every session ends, the lock lifts, the owner is told. */
export async function resetPassword(
  env: AccountsEnv,
  programs: Pick<ProgramRegistry, 'get'>,
  input: { token: string; password: string },
  ctx: RequestContext,
): Promise<void> {
  const tokenHash = secretHash(input.token);
  const [account] = await env.db.query<sql.AccountRow>(sql.accountOfResetToken, [tokenHash, ctx.now.toString()]);
  if (!account) throw refusal('link_invalid', 'This link has expired or was already used; ask for a new one');
  const program = programs.get(account.program_key);
  if (!program) throw refusal('unknown_program', `Program ${account.program_key} is not loaded`);
  await checkPasswordRules(input.password, await contextOf(env.db, account));
  const passwordHash = await hashPassword(input.password);
  await env.db.transaction(async (tx) => {
    const used = await tx.query(sql.useEmailToken, [tokenHash, 'password_reset', ctx.now.toString()]);
    if (used.length === 0) throw refusal('link_invalid', 'This link has expired or was already used; ask for a new one');
    await replacePassword(tx, program, account, passwordHash, null, ctx);
  });
  await clearAccountThrottle(env.db, accountScope('account', `${program.key}:${account.email}`));
}

/** A logged-in member changes their password: the current one first (throttled like a log-in). */
export async function changePassword(
  env: AccountsEnv,
  program: Program,
  memberId: string,
  input: { currentPassword: string; newPassword: string; sessionTokenHash: string },
  ctx: RequestContext,
): Promise<void> {
  const [account] = await env.db.query<sql.AccountRow>(sql.getAccount, [memberId]);
  if (!account) throw refusal('not_found', 'This member has no log-in');
  const scopes = [accountScope('account', `${program.key}:${account.email}`)];
  await claimAttempt(env.db, scopes, ctx.now);
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    throw refusal('login_failed', 'The current password is wrong');
  }
  await attemptSucceeded(env.db, scopes);
  await checkPasswordRules(input.newPassword, await contextOf(env.db, account));
  const passwordHash = await hashPassword(input.newPassword);
  await env.db.transaction((tx) => replacePassword(tx, program, account, passwordHash, input.sessionTokenHash, ctx));
}

async function replacePassword(
  tx: Queryable,
  program: Program,
  account: sql.AccountRow,
  passwordHash: string,
  keepSession: string | null,
  ctx: RequestContext,
): Promise<void> {
  await tx.query(sql.setPassword, [account.member_id, passwordHash, ctx.now.toString()]);
  await endOtherSessions(tx, account.member_id, keepSession, ctx.now);
  // RELIABILITY.md F3: the owner hears of every credential change, in case it was not them.
  await enqueueEmail(
    tx,
    {
      memberId: account.member_id,
      to: account.email,
      template: 'credentials_changed',
      locale: account.locale,
      vars: { what: 'password', at: ctx.now, programName: programName(program, account.locale), timeZone: program.timeZone },
    },
    ctx,
  );
}

async function contextOf(q: Queryable, account: sql.AccountRow): Promise<string[]> {
  const member = await getMember(q, account.member_id);
  return [account.email, member?.externalId ?? '', member?.name ?? ''];
}
