import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { refusal } from '../errors.js';

/**
 * Passwords (RELIABILITY.md F5): argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane),
 * 8 to 128 characters with no composition rules (NIST SP 800-63B), and refused when zxcvbn finds
 * them guessable: common passwords, keyboard walks, or the member's own email or customer id.
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
const MIN_SCORE = 3; // zxcvbn: at least 10^8 guesses

// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const argon2id = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const strength = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2id);
}

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return verify(stored, password);
}

/**
 * A hash of nothing anyone knows, verified when the account does not exist, so a log-in takes as
 * long for an unknown email as for a wrong password and its timing tells nothing.
 */
const decoy = hashPassword('decoy password no account has');
export async function verifyDecoy(password: string): Promise<false> {
  await verify(await decoy, password);
  return false;
}

/** Throws `weak_password` with what to do about it; `context` is the person's own email, ids and names. */
export async function checkPasswordRules(password: string, context: readonly string[]): Promise<void> {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw refusal('weak_password', `Use at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a strong password`, { reason: 'too_short' });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw refusal('weak_password', `Use at most ${MAX_PASSWORD_LENGTH} characters`, { reason: 'too_long' });
  }
  const lowered = password.toLowerCase();
  const words = context.flatMap(contextWords);
  if (words.some((word) => lowered.includes(word))) {
    throw refusal('weak_password', 'Do not use your email address, customer id or name in your password', { reason: 'personal' });
  }
  const result = await strength.check(password, words);
  if (result.score < MIN_SCORE) {
    const hint = result.feedback.warning ? ` (${result.feedback.warning})` : '';
    throw refusal('weak_password', `This password is too easy to guess${hint}; add more unrelated words`, { reason: 'guessable' });
  }
}

/** An email counts as itself and its local part; short fragments would refuse too much. */
function contextWords(value: string): string[] {
  const lowered = value.trim().toLowerCase();
  const local = lowered.split('@')[0] ?? '';
  return [lowered, local].filter((word) => word.length >= 4);
}
