import type { Locale, Program } from './schema.js';

/** The program's name in `locale`, for what members read (email, pages); `name` when it has none. */
export function programName(program: Pick<Program, 'name' | 'names'>, locale: Locale): string {
  return program.names?.[locale] ?? program.name;
}
