import type { ConsentConfig, ContactChannel } from '../programs/index.js';

/**
 * Which contact permissions a request decides (DN-4). A cell is channel × purpose × scope; the
 * scope is `company` or an affiliate's id. Requests decide only marketing: transactional and
 * contract notices are always allowed (DN-5). Pure.
 */
export type RequestScope = 'company' | 'affiliates' | 'all';
export const COMPANY = 'company';
export const purposes = ['marketing', 'transactional'] as const;
export type Purpose = (typeof purposes)[number];

export interface Cell {
  channel: ContactChannel;
  purpose: Purpose;
  scope: string;
}

export function scopesOf(consent: ConsentConfig): string[] {
  return [COMPANY, ...consent.affiliates.map((a) => a.id)];
}

/** The marketing cells a request of `scope` covers. */
export function coveredCells(consent: ConsentConfig, scope: RequestScope): Cell[] {
  const affiliates = consent.affiliates.map((a) => a.id);
  const scopes = scope === 'company' ? [COMPANY] : scope === 'affiliates' ? affiliates : [COMPANY, ...affiliates];
  const channels = scope === 'all' ? union(consent.solicitation, consent.all) : consent.solicitation;
  return scopes.flatMap((s) => channels.map((channel) => ({ channel, purpose: 'marketing' as const, scope: s })));
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

export function cellKey(cell: Cell): string {
  return `${cell.channel}/${cell.purpose}/${cell.scope}`;
}
