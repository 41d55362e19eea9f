import { assert } from '../errors.js';
import type { Program } from './schema.js';

/** The programs loaded at start, by key. Read-only: a change of definition is a restart. */
export interface ProgramRegistry {
  get(key: string): Program | undefined;
  /** Sorted by key. */
  list(): Program[];
}

export function createRegistry(programs: readonly Program[]): ProgramRegistry {
  const byKey = new Map(programs.map((program) => [program.key, program]));
  assert(byKey.size === programs.length, 'program keys are unique (loadPrograms refuses duplicates)');
  const sorted = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return Object.freeze({
    get: (key: string) => byKey.get(key),
    list: () => [...sorted],
  });
}
