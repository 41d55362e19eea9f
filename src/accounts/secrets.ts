import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (session tokens, email links, access keys): 256 random bits, base64url, with a
 * prefix that says what they are (and lets secret scanners find leaked ones). Only their SHA-256
 * is stored: at 256 bits a fast hash is enough, since nobody can enumerate the inputs.
 */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
