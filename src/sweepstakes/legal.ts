import type { SweepstakesDefinition } from './definition.js';

/**
 * Caps on premiums by country and kind of lottery. Japan's 景品表示法 (premium law):
 * - general lottery (一般懸賞, chance tied to a purchase or contract): a prize is worth at most 20 ×
 *   the transaction value and never more than 100,000 yen; all prizes of a period at most 2 % of
 *   the period's expected sales;
 * - joint lottery (共同懸賞, run by many businesses together): at most 300,000 yen a prize, 3 % in all;
 * - open lottery (no purchase needed): no cap under this Act;
 * - a premium given to every participant (総付景品, like SU-7's 10 pt): at most 200 yen when the
 *   transaction is worth under 1,000 yen, else 20 % of it.
 * Other countries are added here, or a definition states its own under `legal.caps`.
 */
export interface PremiumCaps {
  prizeMultiple: number;
  prizeMaxMinor: number;
  totalShareOfSales: number;
  /** 総付: under this transaction value a giveaway may be worth `giveawayFlatMinor`, else `giveawayShare` of it. */
  giveawayThresholdMinor: number;
  giveawayFlatMinor: number;
  giveawayShare: number;
}

export type LotteryKind = 'general' | 'joint' | 'open';

const giveawayJP = { giveawayThresholdMinor: 1_000, giveawayFlatMinor: 200, giveawayShare: 0.2 };

export const premiumCapsByCountry: Readonly<Record<string, Readonly<Record<Exclude<LotteryKind, 'open'>, PremiumCaps>>>> = {
  JP: {
    general: { prizeMultiple: 20, prizeMaxMinor: 100_000, totalShareOfSales: 0.02, ...giveawayJP },
    joint: { prizeMultiple: Number.POSITIVE_INFINITY, prizeMaxMinor: 300_000, totalShareOfSales: 0.03, ...giveawayJP },
  },
};

export interface CapBreach {
  /** The prize it concerns; 'participation' for the giveaway; undefined for the total. */
  prize?: string;
  message: string;
}

type Priced = Pick<SweepstakesDefinition, 'legal' | 'prizes'> & Partial<Pick<SweepstakesDefinition, 'participation'>>;

/**
 * Every breach of the caps by `definition`, in the program's money (`minorPerPoint`: what one point
 * is worth). A country with no known caps and no `legal.caps` is itself a breach: a sweepstakes is
 * not run where nobody has said what the law allows. An open lottery has no caps to breach.
 */
export function capBreaches(definition: Priced, minorPerPoint: number): CapBreach[] {
  const { legal } = definition;
  const kind = legal.kind ?? 'general';
  if (kind === 'open') return [];
  const defaults = premiumCapsByCountry[legal.country]?.[kind];
  const caps: Partial<PremiumCaps> = { ...defaults, ...legal.caps };
  const rule = defaults && !legal.caps ? `${legal.country} premium law (${kind} lottery)` : 'legal.caps';
  return [...lotteryBreaches(definition, caps, rule, minorPerPoint), ...giveawayBreaches(definition, caps, rule, minorPerPoint)];
}

function lotteryBreaches(definition: Priced, caps: Partial<PremiumCaps>, rule: string, minorPerPoint: number): CapBreach[] {
  const { legal } = definition;
  const { prizeMultiple, prizeMaxMinor, totalShareOfSales } = caps;
  if (prizeMultiple === undefined || prizeMaxMinor === undefined || totalShareOfSales === undefined) {
    return [{ message: `no premium caps are known for ${legal.country}: state prizeMultiple, prizeMaxMinor and totalShareOfSales under legal.caps` }];
  }
  const prizeCap = Math.min(prizeMultiple * legal.transactionValueMinor, prizeMaxMinor);
  const how = Number.isFinite(prizeMultiple) ? `${prizeMultiple} × the transaction value ${legal.transactionValueMinor}, and never more than ${prizeMaxMinor}` : 'whatever the transaction value';
  const breaches: CapBreach[] = definition.prizes
    .filter((prize) => prize.points * minorPerPoint > prizeCap)
    .map((prize) => ({ prize: prize.key, message: `prize ${prize.key} is worth ${prize.points * minorPerPoint}; ${rule} allows at most ${prizeCap} (${how})` }));
  const total = definition.prizes.reduce((sum, prize) => sum + prize.points * minorPerPoint * prize.winners, 0);
  const totalCap = Math.floor(totalShareOfSales * legal.expectedSalesMinor);
  if (total > totalCap) {
    breaches.push({
      message: `the prizes of a period are worth ${total} together; ${rule} allows at most ${totalCap} (${totalShareOfSales * 100} % of the expected sales ${legal.expectedSalesMinor})`,
    });
  }
  return breaches;
}

/** 総付景品: what every entrant gets is a premium too, capped by the transaction's value. */
function giveawayBreaches(definition: Priced, caps: Partial<PremiumCaps>, rule: string, minorPerPoint: number): CapBreach[] {
  const reward = definition.participation;
  if (!reward) return [];
  const { legal } = definition;
  const { giveawayThresholdMinor, giveawayFlatMinor, giveawayShare } = caps;
  if (giveawayThresholdMinor === undefined || giveawayFlatMinor === undefined || giveawayShare === undefined) {
    return [{ prize: 'participation', message: `no giveaway caps are known for ${legal.country}: state giveawayThresholdMinor, giveawayFlatMinor and giveawayShare under legal.caps` }];
  }
  const small = legal.transactionValueMinor < giveawayThresholdMinor;
  const cap = small ? giveawayFlatMinor : Math.floor(giveawayShare * legal.transactionValueMinor);
  const worth = reward.points * minorPerPoint;
  if (worth <= cap) return [];
  const how = small ? `${giveawayFlatMinor} for a transaction under ${giveawayThresholdMinor}` : `${giveawayShare * 100} % of the transaction value ${legal.transactionValueMinor}`;
  return [{ prize: 'participation', message: `the participation reward is worth ${worth} to every entrant; ${rule} allows a giveaway of at most ${cap} (${how})` }];
}
