import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { secretHash } from './secrets.js';
import * as sql from './sql.js';
import { clientNetwork } from '../client-network.js';

/**
 * Credential-stuffing detection (RELIABILITY.md F2, decision 72). Stuffing tries leaked pairs
 * over many accounts and addresses, a few tries each, under F1's per-account and per-address
 * locks. What gives it away is the rate of unsuccessful log-ins from devices not known for the
 * account — across the program, or across accounts from one address. Past either threshold, a
 * log-in from a device not known for the account is challenged before its password is checked:
 * its owner gets in with a code emailed to the account.
 */
export interface Threshold {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface LoginDefence {
  /** The program's unsuccessful log-ins in a window that start challenging its log-ins; null: never. */
  readonly program: Threshold | null;
  /** How long the program's log-ins stay challenged after the last unsuccessful one at the threshold. */
  readonly coolOffSeconds: number;
  /** The different accounts failed from one address in a window that challenge that address; null: never. */
  readonly address: Threshold | null;
}

/**
 * 30 in 5 minutes: a program of 100,000 active members sees a few failed log-ins (typos) in five
 * minutes at its busiest, and stuffing thousands; F2's drill lets at most 1 % (100 of 10,000) reach
 * a password check, and 30 leaves room for requests in flight. A larger program raises it. Cool-off
 * 15 minutes, F1's lock. 20 accounts an hour per address: more than a household or a shop counter
 * mistypes, fewer than a stuffing proxy tries.
 */
export const defaultLoginDefence: LoginDefence = Object.freeze({
  program: Object.freeze({ limit: 30, windowSeconds: 300 }),
  coolOffSeconds: 900,
  address: Object.freeze({ limit: 20, windowSeconds: 3_600 }),
});

const units: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/**
 * POINTBOOK_LOGIN_CHALLENGE_PROGRAM (`30/5m`), POINTBOOK_LOGIN_CHALLENGE_ADDRESS (`20/1h`), each
 * `<count>/<window>` with the window in s, m, h or d, or `off`; POINTBOOK_LOGIN_CHALLENGE_COOL_OFF
 * (`15m`). Unset: the defaults above. Takes the environment, as `readConfig` does.
 */
export function readLoginDefence(env: NodeJS.ProcessEnv): LoginDefence {
  const name = (what: string) => `POINTBOOK_LOGIN_CHALLENGE_${what}`;
  return Object.freeze({
    program: threshold(env[name('PROGRAM')], defaultLoginDefence.program, name('PROGRAM')),
    coolOffSeconds: duration(env[name('COOL_OFF')], defaultLoginDefence.coolOffSeconds, name('COOL_OFF')),
    address: threshold(env[name('ADDRESS')], defaultLoginDefence.address, name('ADDRESS')),
  });
}

function threshold(raw: string | undefined, fallback: Threshold | null, name: string): Threshold | null {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off') return null;
  const [count = '', window = ''] = raw.split('/');
  const limit = /^\d{1,9}$/.test(count) ? Number(count) : 0;
  const windowSeconds = duration(window, 0, name);
  if (limit < 1 || windowSeconds < 1) throw new Error(`${name} must be <count>/<window> such as 30/5m (window in s, m, h or d, at most 30d) or off, got "${raw}"`);
  return Object.freeze({ limit, windowSeconds });
}

function duration(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d{1,6})([smhd])$/.exec(raw);
  const seconds = match ? Number(match[1]) * (units[match[2] as string] ?? 0) : 0;
  if (seconds < 1 || seconds > 30 * 86_400) throw new Error(`${name}: a duration such as 15m (s, m, h or d, at most 30d), got "${raw}"`);
  return seconds;
}

/** An IPv6 client holds a whole /64, so a /64 counts as one address (as the G4 limits do). */
// Hashed: the tables never hold an email or an address.
const addressKey = (ip: string) => secretHash(`address:${clientNetwork(ip)}`);
const accountKey = (programKey: string, email: string) => secretHash(`account:${programKey}:${email}`);

export interface LogInAttempt {
  programKey: string;
  /** As typed, normalised. */
  email: string;
  ip: string;
  /** The SHA-256 of the device id sent, or null. */
  device: string | null;
}

/**
 * What a log-in learns before its password is checked: whether its device is known for the
 * account, and whether log-ins of the program, or from the address, are challenged now.
 */
export async function logInGate(db: Db, policy: LoginDefence, attempt: LogInAttempt, now: Temporal.Instant): Promise<{ known: boolean; challenged: boolean }> {
  const { address } = policy;
  const [row] = await db.query<{ known: boolean; challenged: boolean }>(sql.logInGate, [
    attempt.programKey, now.toString(), addressKey(attempt.ip), address?.limit ?? null, attempt.email, attempt.device, address?.windowSeconds ?? 0,
  ]);
  return { known: row?.known === true, challenged: row?.challenged === true };
}

/**
 * Counts an unsuccessful log-in from a device not known for the account — a wrong password or
 * code, an unknown email, a throttled or challenged try — for the program and for the address.
 * Committed at once, like F1's counts: the request then fails.
 */
export async function countUnsuccessfulLogIn(db: Db, policy: LoginDefence, attempt: LogInAttempt, now: Temporal.Instant): Promise<void> {
  const { program, address } = policy;
  if (!program && !address) return;
  await db.query(sql.countUnsuccessfulLogIn, [
    attempt.programKey, now.toString(), program?.limit ?? null, program?.windowSeconds ?? 0, policy.coolOffSeconds,
    address ? addressKey(attempt.ip) : null, accountKey(attempt.programKey, attempt.email),
    now.subtract({ seconds: address?.windowSeconds ?? 0 }).toString(),
  ]);
}
