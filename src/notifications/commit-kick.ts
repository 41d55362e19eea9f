import type { Db, Queryable, Statement } from '../db/index.js';
import * as sql from './sql.js';

export type Channel = 'email' | 'webhook';

/** The statements that put a message of a channel in the outbox. */
const enqueuing = new Map<Statement, Channel>([
  [sql.insertMessage, 'email'],
  [sql.insertMarketing, 'email'],
  [sql.enqueueWebhooks, 'webhook'],
  [sql.enqueueWebhookBatch, 'webhook'],
  [sql.requeueWebhook, 'webhook'],
]);

/**
 * The same database, with one addition: after a commit that wrote outbox messages of a channel,
 * that channel's `kick` is called, so what was queued goes out now rather than at the next sweep.
 * Nothing is kicked for a transaction that rolls back. (A statement that wrote nothing, or whose
 * rows were rolled back to a savepoint, still kicks once; the deliverer then finds nothing due,
 * which costs one claim query.) A kick never throws: deliverers log their own faults.
 */
export function kickOnCommit(db: Db, kicks: Partial<Record<Channel, () => void>>): Db {
  const watch = (on: Queryable, wrote: Set<Channel>): Queryable => ({
    async query<Row>(statement: Statement, values?: readonly unknown[]) {
      const rows = await on.query<Row>(statement, values);
      const channel = enqueuing.get(statement);
      if (channel) wrote.add(channel);
      return rows;
    },
    exec: (text) => on.exec(text),
  });
  const kickAll = (wrote: Set<Channel>) => {
    for (const channel of wrote) kicks[channel]?.();
  };
  return {
    kind: db.kind,
    async query<Row>(statement: Statement, values?: readonly unknown[]) {
      const wrote = new Set<Channel>();
      const rows = await watch(db, wrote).query<Row>(statement, values);
      kickAll(wrote); // autocommitted: it has committed
      return rows;
    },
    exec: (text) => db.exec(text),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const wrote = new Set<Channel>();
      const result = await db.transaction((tx) => fn(watch(tx, wrote)));
      kickAll(wrote);
      return result;
    },
    close: () => db.close(),
  };
}
