import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import { contactChannels, type ContactChannel, type Program } from '../programs/index.js';
import { cellKey, purposes, scopesOf, type Cell, type Purpose } from './coverage.js';
import { consentOf } from './requests.js';
import * as sql from './sql.js';

/**
 * May the member be contacted, per channel × purpose × scope, at an instant — and what decided it.
 * Transactional and contract notices: always (DN-5). Marketing: the latest change in force, else
 * allowed (no request yet).
 */
export interface Permission extends Cell {
  allowed: boolean;
  /** The request whose change is in force; null: the default, or DN-5 for transactional. */
  decidedBy: string | null;
  since: Temporal.Instant | null;
}

export async function permissionsAt(q: Queryable, program: Program, memberId: string, at: Temporal.Instant): Promise<Permission[]> {
  const consent = consentOf(program);
  const inForce = new Map((await q.query<sql.ChangeRow>(sql.permissionsAt, [memberId, at.toString()])).map((row) => [cellKey(row), row]));
  return contactChannels.flatMap((channel) =>
    purposes.flatMap((purpose) =>
      scopesOf(consent).map((scope): Permission => {
        const change = purpose === 'marketing' ? inForce.get(cellKey({ channel, purpose, scope })) : undefined;
        return { channel, purpose, scope, allowed: change?.allowed ?? true, decidedBy: change?.request_id ?? null, since: change?.effective_at ?? null };
      }),
    ),
  );
}

/** One cell: what the outbox asks before a marketing message (no consent section: allowed). */
export async function mayContact(
  q: Queryable,
  program: Program,
  memberId: string,
  cell: { channel: ContactChannel; purpose: Purpose; scope: string },
  at: Temporal.Instant,
): Promise<Permission> {
  if (cell.purpose === 'transactional' || !program.consent) return { ...cell, allowed: true, decidedBy: null, since: null };
  const found = (await permissionsAt(q, program, memberId, at)).find((p) => cellKey(p) === cellKey(cell));
  return found ?? { ...cell, allowed: true, decidedBy: null, since: null };
}
