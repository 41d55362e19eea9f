import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { normaliseEmail } from '../members/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { type Program, programName } from '../programs/index.js';
import type { AccountsEnv, RequestContext } from './env.js';
import { secretHash } from './secrets.js';
import * as sql from './sql.js';

/**
 * One-time log-in codes (F2, decision 72): how an owner logs in from a new device while log-ins
 * are challenged. Eight digits, typed from the email with the password; 10 minutes (ASVS 6.5.5),
 * once, a newer code revokes the older. Wrong codes count toward F1's lock like wrong passwords,
 * so at about 100 guesses a day eight digits hold for years.
 */
export const LOGIN_CODE_MINUTES = 10;

/** Names the account and the code, so a typed code is checked in one statement whether or not the account exists. */
export function loginCodeHash(programKey: string, email: string, code: string): string {
  return secretHash(`login_code:${programKey}:${email}:${code}`);
}

/** Emails a code to the account's address; the answer is the same whether or not the account exists. */
export async function requestLoginCode(env: AccountsEnv, program: Program, input: { email: string }, ctx: RequestContext): Promise<void> {
  const email = normaliseEmail(input.email);
  const [account] = await env.db.query<sql.AccountRow>(sql.findAccountByEmail, [program.key, email]);
  if (!account) return;
  // Codes must be unpredictable: crypto randomness, not a seeded generator.
  const code = randomInt(0, 100_000_000).toString().padStart(8, '0');
  const expiresAt = ctx.now.add({ minutes: LOGIN_CODE_MINUTES });
  await env.db.transaction(async (tx) => {
    await tx.query(sql.revokeEmailTokens, [account.member_id, 'login_code', ctx.now.toString()]);
    const stored = await tx.query(sql.insertLoginCode, [loginCodeHash(program.key, email, code), account.member_id, expiresAt.toString(), ctx.now.toString()]);
    assert(stored.length === 1, 'a new log-in code is stored');
    const vars = { code, expiresAt, programName: programName(program, account.locale), timeZone: program.timeZone };
    await enqueueEmail(tx, { memberId: account.member_id, to: account.email, template: 'login_code', locale: account.locale, vars }, ctx);
  });
}

/** Whether `hash` is a live code (of the account it names). */
export async function loginCodeLive(q: Queryable, hash: string, now: RequestContext['now']): Promise<boolean> {
  return (await q.query(sql.liveLoginCode, [hash, now.toString()])).length > 0;
}

/** Uses the code up; false when another log-in used it first. */
export async function useLoginCode(q: Queryable, hash: string, now: RequestContext['now']): Promise<boolean> {
  return (await q.query(sql.useEmailToken, [hash, 'login_code', now.toString()])).length > 0;
}
