import { InvalidArgumentError, Option, type Command } from 'commander';
import { Temporal } from 'temporal-polyfill';

/** Parses an ISO instant argument; returns it normalised. */
export function instant(value: string): string {
  try {
    return Temporal.Instant.from(value).toString();
  } catch {
    throw new InvalidArgumentError('expected an ISO 8601 instant with offset, like 2027-04-01T00:00:00+09:00');
  }
}

export function month(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected a billing month as YYYY-MM');
  return value;
}

export const integerFrom = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer of at least ${min}`);
  return n;
};
export const positiveInt = integerFrom(1);

/** --data / --memory, on every command that opens the database. */
export function withStorage(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'PGlite data directory (default ./data; ignored with DATABASE_URL)'))
    .addOption(new Option('--memory', 'PGlite in memory: nothing is kept').conflicts('data'));
}
