import { monotonicFactory } from 'ulid';

/**
 * Prefixed, time-ordered ids (`mbr_01J…`). Time-ordered keeps B-tree inserts at the right edge;
 * the prefix tells a reader what an id names. Ledger transaction ids are made in SQL
 * (`ledger_new_id`), everything else here.
 */
export type Id<P extends string> = `${P}_${string}`;
export type MemberId = Id<'mbr'>;

const next = monotonicFactory();

export function newId<P extends string>(prefix: P): Id<P> {
  return `${prefix}_${next().toLowerCase()}`;
}

export function hasPrefix<P extends string>(value: string, prefix: P): value is Id<P> {
  return value.startsWith(`${prefix}_`) && value.length > prefix.length + 1;
}
