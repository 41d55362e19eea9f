import { Temporal } from 'temporal-polyfill';

/**
 * The only source of "now" for domain code. Passed down explicitly so a test clock
 * (`pointbook serve --test-clock`) moves every rule at once; nothing below main reads the wall clock.
 */
export interface Clock {
  now(): Temporal.Instant;
}

export const systemClock: Clock = {
  now: () => Temporal.Now.instant(),
};

/** A clock that stands still until told to move (Stripe-style test clocks). */
export class TestClock implements Clock {
  #now: Temporal.Instant;

  constructor(start: Temporal.Instant = Temporal.Now.instant()) {
    this.#now = start;
  }

  now(): Temporal.Instant {
    return this.#now;
  }

  set(instant: Temporal.Instant): void {
    this.#now = instant;
  }

  advance(duration: Temporal.DurationLike): void {
    this.#now = this.#now.add(duration);
  }
}
