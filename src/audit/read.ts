import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import * as sql from './sql.js';

export interface AuditEntry {
  id: string;
  /** The writing transaction: every entry of one transaction shares it. */
  transaction: number;
  at: Temporal.Instant;
  actor: string;
  action: string;
  targets: string[];
  requestId: string | null;
  ip: string | null;
  jobRun: string | null;
}

export interface AuditFilter {
  actor?: string | undefined;
  target?: string | undefined;
  action?: string | undefined;
  from?: Temporal.Instant | undefined;
  to?: Temporal.Instant | undefined;
  /** The last entry of the previous page. */
  before?: { transaction: number; id: string } | undefined;
  limit: number;
}

/** Audit entries, newest first, by the filters given. */
export async function listAudit(db: Queryable, filter: AuditFilter): Promise<AuditEntry[]> {
  const rows = await db.query<sql.AuditRow>(sql.list, [
    filter.actor ?? null,
    filter.target ?? null,
    filter.action ?? null,
    filter.from?.toString() ?? null,
    filter.to?.toString() ?? null,
    filter.before?.transaction ?? null,
    filter.before?.id ?? null,
    filter.limit,
  ]);
  return rows.map((r) => ({
    id: r.id,
    transaction: r.xid,
    at: r.at,
    actor: r.actor,
    action: r.action,
    targets: r.targets,
    requestId: r.request_id,
    ip: r.ip,
    jobRun: r.job_run,
  }));
}
