import type { Temporal } from 'temporal-polyfill';
import { Type, type Static, type TSchema } from 'typebox';
import type { Queryable } from '../db/index.js';
import type { Person } from './person.js';

/**
 * One part of the personal-data export, contributed by the domain that owns its tables. `tables`
 * names every table with a `member_id` column whose rows the section exports; a test compares them
 * (with the exempt list) to the schema, so a new member table cannot be left out unnoticed.
 * `schema` is the section's allow-list in the response: nothing it does not name is serialised.
 */
export interface Section<S extends TSchema = TSchema> {
  readonly name: string;
  readonly tables: readonly string[];
  readonly schema: S;
  read(q: Queryable, person: Person, ctx: { now: Temporal.Instant }): Promise<Static<S>>;
}

export function section<S extends TSchema>(definition: Section<S>): Section<S> {
  return definition;
}

export const Instant = Type.String({ format: 'date-time' });
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Json = Type.Unknown();
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const iso = (instant: Temporal.Instant): string => instant.toString();
export const isoOrNull = (instant: Temporal.Instant | null | undefined): string | null => instant?.toString() ?? null;
