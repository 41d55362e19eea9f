import { AsyncLocalStorage } from 'node:async_hooks';
import type { Temporal } from 'temporal-polyfill';

/**
 * Who is changing things, and why, for the code running now: set by the HTTP layer for each request
 * and by the job runner for each run; read by `auditWrites` when a transaction commits. Carried in
 * AsyncLocalStorage so that no service has to pass it down (decision 58).
 */
export interface AuditScope {
  /** `operator:opr_…`, `operator:admin-token`, `member:mbr_…`, `job:expire`, `anonymous` */
  actor: string;
  /** `POST /v1/members/:id/adjustments` (the route as the role table names it), or `job:expire` */
  action: string;
  /** The program clock when the request or run began. */
  at: Temporal.Instant;
  /** Ids and keys the request names in its path. */
  targets: readonly string[];
  requestId: string | null;
  ip: string | null;
  /** program/job/period of the job run, for a job's changes. */
  jobRun: string | null;
}

const current = new AsyncLocalStorage<AuditScope>();

export function auditScope(): AuditScope | undefined {
  return current.getStore();
}

/** Runs `fn` (and everything it starts) in `scope`. */
export function withAuditScope<T>(scope: AuditScope, fn: () => T): T {
  return current.run(scope, fn);
}

/**
 * Runs a job's work in a scope of its own: the job's actor and run, keeping the request that
 * started it (POST …/jobs/:job/runs, a moved test clock) as where it came from.
 */
export function withJobScope<T>(job: { actor: string; job: string; run: string; at: Temporal.Instant }, fn: () => T): T {
  const outer = auditScope();
  return withAuditScope(
    { actor: job.actor, action: `job:${job.job}`, at: job.at, targets: [], requestId: outer?.requestId ?? null, ip: outer?.ip ?? null, jobRun: job.run },
    fn,
  );
}
