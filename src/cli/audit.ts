import { Option, type Command } from 'commander';
import { sealAll, sealAuditLog, verifyAuditLog, verifyLedgerChain } from '../audit/index.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { sealLedger, type Anchor, type ChainReport } from '../ledger/index.js';
import { openMigratedDb, type StorageOptions } from './database.js';
import { withStorage } from './options.js';

export interface ChainOptions extends StorageOptions {
  /** false with --no-seal */
  seal: boolean;
  anchor?: Anchor;
}

function anchorOption(): Option {
  return new Option('--anchor <position:hash>', 'a head printed by an earlier verify and kept elsewhere: the chain must still pass through it').argParser((value: string): Anchor => {
    const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
    if (!match?.[1] || !match[2]) throw new Error('--anchor takes POSITION:HASH as printed by verify, e.g. 1200:3f5a…');
    return { position: Number(match[1]), hash: match[2] };
  });
}

/** Adds --no-seal and --anchor to a verify command. */
export function withChainOptions(command: Command): Command {
  return command.option('--no-seal', 'verify only what is sealed already; write nothing').addOption(anchorOption());
}

/** Prints a chain report; true when it holds. */
export function printChain(report: ChainReport): boolean {
  const { head, problem } = report;
  if (problem) {
    process.stdout.write(`TAMPERED: ${problem.message} (the first ${report.sealedRows} sealed rows hold)\n`);
    return false;
  }
  process.stdout.write(
    `${report.log} chain: ${report.sealedRows} rows sealed and sound, ${report.unsealedRows} written since (not yet covered); head ${head.position}:${head.hash}\n`,
  );
  return true;
}

/** Seals (unless --no-seal), then verifies one chained log. */
export async function checkChain(db: Db, log: 'audit' | 'ledger', options: ChainOptions): Promise<boolean> {
  if (options.seal) await (log === 'audit' ? sealAuditLog : sealLedger)(db);
  return printChain(await (log === 'audit' ? verifyAuditLog : verifyLedgerChain)(db, options.anchor));
}

export function registerAuditCommands(program: Command, config: Config): void {
  const audit = program.command('audit').description('the audit log: who changed what (RELIABILITY J1, J2)');
  withStorage(audit.command('seal').description('extend the hash chains of the audit log and the ledger over every committed row (run it from cron)')).action(
    async (options: StorageOptions) => {
      const db = await openMigratedDb(config, options);
      try {
        const sealed = await sealAll(db);
        process.stdout.write(`sealed ${sealed.audit} audit rows and ${sealed.ledger} ledger transactions\n`);
      } finally {
        await db.close();
      }
    },
  );
  withStorage(
    withChainOptions(
      audit
        .command('verify')
        .description('seal, then recompute the audit log\'s hash chain; names the first row edited, deleted or inserted since it was sealed, and exits 1'),
    ),
  ).action(async (options: ChainOptions) => {
    const db = await openMigratedDb(config, options);
    try {
      process.exitCode = (await checkChain(db, 'audit', options)) ? 0 : 1;
    } finally {
      await db.close();
    }
  });
}
