import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * SU-5: the personal entry link of a status-up month. Its token names the member, the sweepstakes,
 * the period and the prizes it offers, signed with the period's own key (HMAC-SHA256), so it is
 * valid for nothing else and expires with its period. It is no log-in: the member still logs in
 * (SU-6), and an entry through it must be theirs.
 */

export interface EntryInvitation {
  member: string;
  sweepstakes: string;
  period: string;
  prizes: readonly string[];
}

const prefix = 'pbi_';

export function signEntryLink(invitation: EntryInvitation, linkKeyHex: string): string {
  const payload = Buffer.from(JSON.stringify([invitation.member, invitation.sweepstakes, invitation.period, invitation.prizes])).toString('base64url');
  return `${prefix}${payload}.${mac(payload, linkKeyHex)}`;
}

/** The invitation a token claims, before its signature is checked (to find the period's key). */
export function claimedInvitation(token: string): EntryInvitation | undefined {
  if (!token.startsWith(prefix) || token.length > 2000) return undefined;
  const [payload] = token.slice(prefix.length).split('.');
  try {
    const value: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 4) return undefined;
    const [member, sweepstakes, period, prizes] = value as unknown[];
    if (typeof member !== 'string' || typeof sweepstakes !== 'string' || typeof period !== 'string') return undefined;
    if (!Array.isArray(prizes) || !prizes.every((p) => typeof p === 'string')) return undefined;
    return { member, sweepstakes, period, prizes: prizes as string[] };
  } catch {
    return undefined;
  }
}

export function hasValidSignature(token: string, linkKeyHex: string): boolean {
  const [payload = '', signature = ''] = token.slice(prefix.length).split('.');
  const expected = Buffer.from(mac(payload, linkKeyHex));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(payload: string, linkKeyHex: string): string {
  return createHmac('sha256', Buffer.from(linkKeyHex, 'hex')).update(payload).digest('base64url');
}
