import { assert } from '../errors.js';
import type { Program } from '../programs/index.js';

/**
 * What points are worth, from the program's `pointValue` (an integer ratio: `points` points are
 * worth `amountMinor` minor units). Pure. FL-4: 1 pt = 1 yen; SR-5: 100 pt = $1.
 */

export interface Money {
  amountMinor: number;
  currency: string;
}

/** The fewest points worth a whole number of minor units: points ÷ gcd(points, amountMinor). */
export function pointsPerMinorUnit(pointValue: Program['pointValue']): number {
  return pointValue.points / gcd(pointValue.points, pointValue.amountMinor);
}

/**
 * The money `points` are worth, exactly. Every amount a redemption takes is a multiple of
 * `pointsPerMinorUnit` (the loader checks the configured steps and prices), so nothing is rounded.
 */
export function valueOf(program: Program, points: number): Money {
  const { pointValue } = program;
  const scaled = BigInt(points) * BigInt(pointValue.amountMinor);
  assert(scaled % BigInt(pointValue.points) === 0n, `${points} points are worth whole minor units of ${program.key}`);
  return { amountMinor: Number(scaled / BigInt(pointValue.points)), currency: program.currency };
}

/** The most points, in `step`s, worth no more than `amountMinor` (SR-5: not more than the order total). */
export function mostPointsFor(program: Program, amountMinor: number, step: number): number {
  const { pointValue } = program;
  const points = (BigInt(amountMinor) * BigInt(pointValue.points)) / BigInt(pointValue.amountMinor);
  const steps = points / BigInt(step);
  return Number(steps * BigInt(step));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
