import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from './index.js';
import { migrate, migrationsDigest } from './migrate.js';
import { openPglite } from './pglite.js';

let template: Promise<Blob> | undefined;

/**
 * A fresh, migrated in-memory PGlite database. Migrating one takes seconds (5.6 s here), loading
 * a dump of one about a second, so the first call of a process loads the dump that an earlier
 * process left in the temporary folder — named by the digest of the migrations, so a changed
 * migration never loads a stale schema — or migrates one and leaves its dump there. The
 * simulator and every test file open many.
 */
export async function openMigratedMemoryDb(): Promise<Db> {
  template ??= cachedTemplate();
  const db = await openPglite(undefined, { loadDataDir: await template });
  // Nothing to apply from the template; this also proves the dump is current.
  await migrate(db);
  return db;
}

async function cachedTemplate(): Promise<Blob> {
  const file = join(tmpdir(), `pointbook-pglite-${migrationsDigest().slice(0, 24)}.dump`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const dump = await migratedDump();
    // Written aside and renamed, so a process that reads it never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  }
}

async function migratedDump(): Promise<Blob> {
  const db = await openPglite(undefined);
  try {
    await migrate(db);
    return await db.dump();
  } finally {
    await db.close();
  }
}
