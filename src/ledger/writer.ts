import type { Clock } from '../clock.js';
import type { Queryable } from '../db/index.js';
import { applyOperations } from './apply.js';
import type { LedgerOp, LedgerResult } from './operations.js';

export interface LedgerWriter {
  /** Queues one operation; resolves with its result once its batch has committed. */
  submit(op: LedgerOp): Promise<LedgerResult>;
  /** Resolves when everything submitted so far has been written. */
  drain(): Promise<void>;
}

export interface WriterOptions {
  /** Most operations in one `ledger_apply` call. */
  maxBatch?: number;
  /** How long the first operation of a batch waits for company when the writer is idle. */
  windowMs?: number;
}

interface Waiting {
  op: LedgerOp;
  resolve: (result: LedgerResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit (TigerBeetle's "batching, batching, batching"): operations submitted while a batch
 * is being written wait and go together in the next one — one round trip and one commit for up
 * to `maxBatch` operations. Under light load a batch is one operation after at most `windowMs`.
 * One batch is in flight at a time, so this writer is one connection's worth of serial commits;
 * `ledger_apply` locks each batch's members in sorted order, so several writers never deadlock.
 */
export function createLedgerWriter(db: Queryable, clock: Clock, options: WriterOptions = {}): LedgerWriter {
  const maxBatch = options.maxBatch ?? 1000;
  const windowMs = options.windowMs ?? 2;
  let queue: Waiting[] = [];
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const write = async (batch: Waiting[]): Promise<void> => {
    try {
      const results = await applyOperations(db, batch.map((w) => w.op), clock.now());
      batch.forEach((w, i) => w.resolve(results[i] as LedgerResult));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (writing || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    writing = write(batch).finally(() => {
      writing = undefined;
      // Whatever arrived while this batch was written goes next, after one turn of the event loop,
      // so callers whose results just arrived can submit again and join this batch.
      setImmediate(() => {
        if (!writing && queue.length > 0) flush();
      });
    });
  };

  return {
    submit(op) {
      return new Promise<LedgerResult>((resolve, reject) => {
        queue.push({ op, resolve, reject });
        if (queue.length >= maxBatch) flush();
        else if (!writing && !timer) timer = setTimeout(flush, windowMs);
      });
    },
    async drain() {
      while (queue.length > 0 || writing) {
        if (!writing) flush();
        await writing;
      }
    },
  };
}
