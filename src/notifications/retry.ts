import type { Temporal } from 'temporal-polyfill';
import { assert } from '../errors.js';

/** Attempts after which a message is given up (status failed): about two hours of retries. */
export const maxAttemptsDefault = 8;

const firstDelayMinutes = 1;
const longestDelayMinutes = 60;

/**
 * When to try again after the `attempts`-th failed attempt: 1, 2, 4, … minutes, at most an hour.
 * Pure. With the default eight attempts a message is retried over 1+2+4+8+16+32+60 = 123 minutes
 * before it is given up, long enough to ride out a relay's restart or a short outage.
 */
export function nextAttemptAt(failedAt: Temporal.Instant, attempts: number): Temporal.Instant {
  assert(Number.isSafeInteger(attempts) && attempts >= 1, 'a retry follows at least one attempt');
  const minutes = Math.min(firstDelayMinutes * 2 ** Math.min(attempts - 1, 30), longestDelayMinutes);
  return failedAt.add({ minutes });
}
