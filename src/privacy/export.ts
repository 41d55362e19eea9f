import type { Temporal } from 'temporal-polyfill';
import type { Db } from '../db/index.js';
import { refusal } from '../errors.js';
import { findPerson } from './person.js';
import { sections } from './sections.js';
import * as sql from './sql.js';

/** Raised when a section is added, removed or changes shape, so readers of old exports can tell. */
export const exportFormatVersion = 1;

export interface PersonalDataExport {
  version: typeof exportFormatVersion;
  exportedAt: string;
  memberId: string;
  program: string;
  /** One entry per section (sections.ts), by name. */
  sections: Record<string, unknown>;
}

/**
 * Everything we hold about the member, grouped by the domain that holds it, read in one read-only
 * repeatable-read transaction so every section sees the same moment. Complete rather than paged:
 * a member has thousands of rows at most. An erased member's export shows the pseudonymized state.
 * Refuses not_found for an id that is no member's.
 */
export async function exportPersonalData(db: Db, memberId: string, ctx: { now: Temporal.Instant }): Promise<PersonalDataExport> {
  return db.transaction(async (tx) => {
    await tx.query(sql.snapshot);
    const person = await findPerson(tx, memberId);
    if (!person) throw refusal('not_found', `There is no member ${memberId}`);
    const data: Record<string, unknown> = {};
    for (const s of sections) data[s.name] = await s.read(tx, person, ctx);
    return { version: exportFormatVersion, exportedAt: ctx.now.toString(), memberId, program: person.program, sections: data };
  });
}
