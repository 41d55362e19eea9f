import { Temporal } from 'temporal-polyfill';
import { csvLine } from '../csv.js';
import type { Db } from '../db/index.js';
import type { Program } from '../programs/index.js';
import { consentOf } from './requests.js';
import * as sql from './sql.js';

/**
 * The suppression list for an outside call centre or an affiliate: the changes of one scope (or
 * '*' for all) that took effect since the last export (or `since`), up to now, as CSV. Each row
 * says to suppress or release a member on a channel from an instant; the export is recorded so the
 * next one continues where this one stopped.
 */
export async function exportSuppressions(
  db: Db,
  program: Program,
  options: { scope: string; since?: Temporal.Instant | undefined; now: Temporal.Instant },
): Promise<{ csv: string; rows: number; since: Temporal.Instant; until: Temporal.Instant }> {
  consentOf(program);
  return db.transaction(async (tx) => {
    const [last] = await tx.query<{ until: Temporal.Instant | null }>(sql.lastExport, [program.key, options.scope]);
    const since = options.since ?? last?.until ?? Temporal.Instant.fromEpochMilliseconds(0);
    const rows = await tx.query<{ external_id: string; phone: string | null; channel: string; scope: string; allowed: boolean; effective_at: Temporal.Instant; request_id: string }>(
      sql.changesBetween,
      [program.key, options.scope, since.toString(), options.now.toString()],
    );
    await tx.query(sql.recordExport, [program.key, options.scope, options.now.toString(), options.now.toString()]);
    const csv = [
      csvLine(['customer_id', 'phone', 'channel', 'scope', 'action', 'effective_at', 'request_id']),
      ...rows.map((r) => csvLine([r.external_id, r.phone ?? '', r.channel, r.scope, r.allowed ? 'release' : 'suppress', r.effective_at.toString(), r.request_id])),
    ].join('');
    return { csv, rows: rows.length, since, until: options.now };
  });
}
