import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { createScratchDatabase, migrate, openDb, openMigratedMemoryDb, type Db } from '../../src/db/index.js';
import { verifyLedger } from '../../src/ledger/index.js';

export type BackendName = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL as well when DATABASE_URL is set (CI sets it). */
export function backendNames(): BackendName[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  db: Db;
  url: string | undefined;
  /** Verifies the ledger, closes and drops. */
  dispose(): Promise<void>;
}

/** Connections per test database unless a file asks for more: scripts/run-tests.js sets fewer beside the 64-connection suites. */
const defaultPoolSize = Number(process.env.POINTBOOK_TEST_POOL_SIZE ?? 40);

/**
 * A fresh, migrated database of its own: PGlite in memory, or a new PostgreSQL database created
 * on the server of DATABASE_URL and dropped afterwards, so test files run in parallel and leave nothing.
 */
export async function createTestDatabase(backend: BackendName, poolSize = defaultPoolSize): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openMigratedMemoryDb();
    return { db, url: undefined, dispose: () => db.close() };
  }
  const serverUrl = process.env.DATABASE_URL;
  assert.ok(serverUrl, 'DATABASE_URL is set for the postgres backend');
  const scratch = await createScratchDatabase(serverUrl, 'pointbook_test');
  const db = await openDb({ databaseUrl: scratch.url, poolSize });
  await migrate(db);
  return {
    db,
    url: scratch.url,
    dispose: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}

export interface StorageContext {
  readonly backend: BackendName;
  /** The file's database for this backend (set before the first test runs). */
  readonly db: Db;
  readonly url: string | undefined;
}

/**
 * Runs `body` once per backend, on a database of its own, and proves the ledger's invariants
 * (`ledger verify`) when the tests are done: a violation fails the file.
 */
export function describeStorage(title: string, body: (ctx: StorageContext) => void, options: { poolSize?: number } = {}): void {
  for (const backend of backendNames()) {
    describe(`${title} [${backend}]`, () => {
      let database: TestDatabase | undefined;
      const ctx: StorageContext = {
        backend,
        get db() {
          assert.ok(database, 'the database is open');
          return database.db;
        },
        get url() {
          return database?.url;
        },
      };
      before(async () => {
        database = await createTestDatabase(backend, options.poolSize);
      });
      after(async () => {
        if (!database) return;
        try {
          const violations = await verifyLedger(database.db);
          assert.deepEqual(violations, [], 'ledger verify finds no violation');
        } finally {
          await database.dispose();
        }
      });
      body(ctx);
    });
  }
}
