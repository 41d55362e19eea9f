// `npx tsx bench/audit.ts [--ops N] [--concurrency C] [--backend pglite|postgres|all]`
// RELIABILITY J1/J2, decisions 58–59: what the audit row and the sealing cost a ledger credit.
// One credit per transaction, as an adjustment through the API runs it (BEGIN, ledger_apply, COMMIT),
// measured on the same database in the same run: without an audit scope (the baseline) and inside
// one (the same transaction also writes its audit row), in alternating rounds so drift hits both.
// Then the sealer chains everything written; its rate is given as a ratio to the credit rate: above
// 1, one sealer keeps up with the writers with room to spare. Exits 1 if a chain does not verify.
import { parseArgs } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { auditWrites, sealAuditLog, verifyAuditLog, withAuditScope } from '../src/audit/index.js';
import type { Db } from '../src/db/index.js';
import { newId } from '../src/ids.js';
import { openAccount, post, sealLedger, verifyLedgerChain } from '../src/ledger/index.js';
import { openBackend, type BackendName } from './backend.js';
import { perSecond, runConcurrent, timed } from './measure.js';

const { values: flags } = parseArgs({
  options: { ops: { type: 'string', default: '4000' }, concurrency: { type: 'string' }, backend: { type: 'string', default: 'all' }, rounds: { type: 'string', default: '4' } },
  strict: true,
});
const ops = Number(flags.ops);
const rounds = Number(flags.rounds);
const now = Temporal.Instant.from('2026-04-01T00:00:00Z');
const scope = { actor: 'operator:opr_bench', action: 'POST /v1/members/:id/adjustments', at: now, targets: [], requestId: 'bench', ip: '127.0.0.1', jobRun: null };

async function credits(db: Db, members: string[], concurrency: number, count: number, audited: boolean): Promise<number> {
  const one = async (i: number) => {
    const op = { op: 'credit' as const, member: members[i % members.length] ?? '', points: 10, key: newId('key'), kind: 'adjustment', actor: scope.actor };
    await db.transaction((tx) => post(tx, op, now));
    return 'ok';
  };
  const stats = await runConcurrent(concurrency, count, (i) => (audited ? withAuditScope(scope, () => one(i)) : one(i)));
  const errors = [...stats.outcomes.keys()].filter((k) => k !== 'ok');
  if (errors.length > 0) throw new Error(`credits failed: ${errors.join(', ')}`);
  return stats.elapsedMs;
}

async function measure(name: BackendName): Promise<boolean> {
  const concurrency = Number(flags.concurrency ?? (name === 'pglite' ? 1 : 8));
  const backend = await openBackend(name, { databaseUrl: process.env.DATABASE_URL, poolSize: concurrency + 2 });
  try {
    const db = auditWrites(backend.db);
    const members = Array.from({ length: 1000 }, () => newId('mbr'));
    for (const m of members) await openAccount(backend.db, m, 'bench', now);
    await credits(db, members, concurrency, 200, false); // warm-up: connections, prepared statements
    await credits(db, members, concurrency, 200, true);
    const elapsed = { plain: 0, audited: 0 };
    const perRound = Math.ceil(ops / rounds);
    for (let r = 0; r < rounds; r += 1) {
      elapsed.plain += await credits(db, members, concurrency, perRound, false);
      elapsed.audited += await credits(db, members, concurrency, perRound, true);
    }
    const plain = perSecond(perRound * rounds, elapsed.plain);
    const audited = perSecond(perRound * rounds, elapsed.audited);
    const sealedLedger = await timed(() => sealLedger(backend.db));
    const sealedAudit = await timed(() => sealAuditLog(backend.db));
    const verifiedLedger = await timed(() => verifyLedgerChain(backend.db));
    const verifiedAudit = await timed(() => verifyAuditLog(backend.db));
    const sealRate = perSecond(sealedLedger.value, sealedLedger.elapsedMs);
    const row = (label: string, value: string, ratio: string) => process.stdout.write(`  ${label.padEnd(44)} ${value.padStart(14)}  ${ratio}\n`);
    process.stdout.write(`${name} (${backend.serverVersion.split(' on ')[0]}), ${perRound * rounds} credits per variant, concurrency ${concurrency}\n`);
    row('credit, one per transaction (baseline)', `${Math.round(plain)}/s`, '1.00');
    row('credit + audit row in its transaction', `${Math.round(audited)}/s`, (audited / plain).toFixed(2));
    row(`seal ledger (${sealedLedger.value} transactions)`, `${Math.round(sealRate)}/s`, `${(sealRate / plain).toFixed(2)} × baseline credit rate`);
    row(`seal audit log (${sealedAudit.value} rows)`, `${Math.round(perSecond(sealedAudit.value, sealedAudit.elapsedMs))}/s`, '');
    row('verify ledger chain', `${Math.round(perSecond(verifiedLedger.value.sealedRows, verifiedLedger.elapsedMs))}/s`, '');
    row('verify audit chain', `${Math.round(perSecond(verifiedAudit.value.sealedRows, verifiedAudit.elapsedMs))}/s`, '');
    const sound = !verifiedLedger.value.problem && !verifiedAudit.value.problem && verifiedAudit.value.sealedRows >= perRound * rounds;
    if (!sound) process.stdout.write(`  CHAIN BROKEN: ${verifiedLedger.value.problem?.message ?? verifiedAudit.value.problem?.message ?? 'audit rows missing'}\n`);
    return sound;
  } finally {
    await backend.dispose();
  }
}

const backends: BackendName[] = flags.backend === 'all' ? (process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']) : [flags.backend as BackendName];
let ok = true;
for (const name of backends) ok = (await measure(name)) && ok;
process.exitCode = ok ? 0 : 1;
