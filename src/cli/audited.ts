import { userInfo } from 'node:os';
import { auditWrites, withAuditScope } from '../audit/index.js';
import { systemClock } from '../clock.js';
import type { Db } from '../db/index.js';

/**
 * Runs a command that changes data (J1) with its writes audited as the server's are: every
 * transaction it commits writes an audit row naming `cli:<the OS user>`, the command, and the
 * file or scope it was given. `jobs run` is audited by the job runner's own scope.
 */
export function asAuditedCommand<T>(command: string, targets: readonly string[], db: Db, fn: (db: Db) => Promise<T>): Promise<T> {
  const scope = { actor: `cli:${osUser()}`, action: `cli:${command}`, at: systemClock.now(), targets, requestId: null, ip: null, jobRun: null };
  return withAuditScope(scope, () => fn(auditWrites(db)));
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (a container's arbitrary user).
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
