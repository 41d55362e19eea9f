import type { SweepstakesDefinition } from './definition.js';

/**
 * Caps on lottery prizes by country. Japan's 景品表示法 (premium law) for general lotteries
 * (一般懸賞): a prize is worth at most 20 × the transaction value, and never more than 100,000 yen;
 * all prizes of a period together at most 2 % of the period's expected sales. Other countries are
 * added here, or a definition states its own under `legal.caps`.
 */
export interface PremiumCaps {
  prizeMultiple: number;
  prizeMaxMinor: number;
  totalShareOfSales: number;
}

export const premiumCapsByCountry: Readonly<Record<string, PremiumCaps>> = {
  JP: { prizeMultiple: 20, prizeMaxMinor: 100_000, totalShareOfSales: 0.02 },
};

export interface CapBreach {
  /** The prize it concerns; undefined for the total. */
  prize?: string;
  message: string;
}

/**
 * Every breach of the caps by `definition`, in the program's money (`minorPerPoint`: what one point
 * is worth). A country with no known caps and no `legal.caps` is itself a breach: a sweepstakes is
 * not run where nobody has said what the law allows.
 */
export function capBreaches(definition: Pick<SweepstakesDefinition, 'legal' | 'prizes'>, minorPerPoint: number): CapBreach[] {
  const { legal } = definition;
  const defaults = premiumCapsByCountry[legal.country];
  const caps = { ...defaults, ...legal.caps };
  if (caps.prizeMultiple === undefined || caps.prizeMaxMinor === undefined || caps.totalShareOfSales === undefined) {
    return [{ message: `no premium caps are known for ${legal.country}: state prizeMultiple, prizeMaxMinor and totalShareOfSales under legal.caps` }];
  }
  const rule = defaults && !legal.caps ? `${legal.country} premium law` : `legal.caps`;
  const prizeCap = Math.min(caps.prizeMultiple * legal.transactionValueMinor, caps.prizeMaxMinor);
  const breaches: CapBreach[] = definition.prizes
    .filter((prize) => prize.points * minorPerPoint > prizeCap)
    .map((prize) => ({
      prize: prize.key,
      message:
        `prize ${prize.key} is worth ${prize.points * minorPerPoint}; ${rule} allows at most ${prizeCap} ` +
        `(${caps.prizeMultiple} × the transaction value ${legal.transactionValueMinor}, and never more than ${caps.prizeMaxMinor})`,
    }));
  const total = definition.prizes.reduce((sum, prize) => sum + prize.points * minorPerPoint * prize.winners, 0);
  const totalCap = Math.floor(caps.totalShareOfSales * legal.expectedSalesMinor);
  if (total > totalCap) {
    breaches.push({
      message: `the prizes of a period are worth ${total} together; ${rule} allows at most ${totalCap} (${caps.totalShareOfSales * 100} % of the expected sales ${legal.expectedSalesMinor})`,
    });
  }
  return breaches;
}
