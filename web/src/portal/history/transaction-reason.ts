import type { MessageKey } from '../../i18n/en';

/** Every history entry says why: its kind in words, then the reason the ledger recorded. */
const kinds: Record<string, MessageKey> = {
  earn: 'kind.earn',
  redeem: 'kind.redeem',
  adjustment: 'kind.adjustment',
  expire: 'kind.expire',
  reverse: 'kind.reverse',
  grant: 'kind.grant',
  bonus: 'kind.bonus',
  forfeit: 'kind.forfeit',
  refund: 'kind.refund',
  sweepstakes_award: 'kind.sweepstakes_award',
  sweepstakes_participation: 'kind.sweepstakes_participation',
  partner_earn: 'kind.partner_earn',
  earn_reversed: 'kind.earn_reversed',
  earn_cancelled: 'kind.earn_cancelled',
};

export function kindLabel(kind: string): MessageKey {
  return kinds[kind] ?? 'kind.other';
}
