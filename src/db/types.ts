import { Temporal } from 'temporal-polyfill';

/**
 * One decoding of PostgreSQL values for both drivers, so a row looks the same on PGlite and on
 * PostgreSQL: bigint → number (points stay far below 2^53; a larger value is a fault),
 * timestamptz → Temporal.Instant, date → 'YYYY-MM-DD' string (never a JS Date).
 */
export const OID = { INT8: 20, DATE: 1082, TIMESTAMPTZ: 1184, NUMERIC: 1700 } as const;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`bigint ${text} is outside the safe integer range`);
  return value;
}

export function parseTimestamptz(text: string): Temporal.Instant {
  // PostgreSQL writes "2026-03-31 15:00:00.123+00"; Temporal wants "T" and a "+HH:MM" offset.
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return Temporal.Instant.from(iso);
}

export function parseDate(text: string): string {
  return text;
}
