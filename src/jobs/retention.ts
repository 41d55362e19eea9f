import type { Temporal } from 'temporal-polyfill';
import { deleteEndedCredentials } from '../accounts/index.js';
import { defaultRetention, type RetentionPolicy } from '../config.js';
import type { Db, Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { deleteFinishedMessages, deleteSettledWebhookFailures } from '../notifications/index.js';
import { retireEndedStepUpKeys } from '../redemption/index.js';
import { subscriptionsDisabledBefore } from '../webhooks/index.js';
import { runChunked, type JobContext, type JobOutcome } from './chunked.js';
import { ALL_PROGRAMS } from './expire.js';

/** Rows per statement: one chunk's transaction stays short, whatever a night has to delete. */
const CHUNK = 5_000;

interface Step {
  /** The count the run reports for it. */
  name: string;
  /** Deletes (or strips) up to `limit` rows; fewer than `limit` means the step is done. */
  run(tx: Queryable, asOf: Temporal.Instant, policy: RetentionPolicy, limit: number): Promise<number>;
}

const ago = (asOf: Temporal.Instant, days: number) => asOf.subtract({ hours: 24 * days });

// In this order: settled webhook failures before the delivered replays that settle them.
const steps: readonly Step[] = [
  {
    name: 'webhook_failures',
    run: async (tx, asOf, p, limit) => {
      const before = ago(asOf, p.deliveredWebhookDays);
      return deleteSettledWebhookFailures(tx, before, await subscriptionsDisabledBefore(tx, before), limit);
    },
  },
  { name: 'webhooks_delivered', run: (tx, asOf, p, limit) => deleteFinishedMessages(tx, 'delivered_webhooks', ago(asOf, p.deliveredWebhookDays), limit) },
  { name: 'emails_sent', run: (tx, asOf, p, limit) => deleteFinishedMessages(tx, 'sent_email', ago(asOf, p.sentEmailDays), limit) },
  { name: 'emails_suppressed', run: (tx, asOf, p, limit) => deleteFinishedMessages(tx, 'suppressed_email', ago(asOf, p.sentEmailDays), limit) },
  { name: 'sessions', run: (tx, asOf, p, limit) => deleteEndedCredentials(tx, 'sessions', ago(asOf, p.endedCredentialDays), limit) },
  { name: 'links', run: (tx, asOf, p, limit) => deleteEndedCredentials(tx, 'links', ago(asOf, p.endedCredentialDays), limit) },
  { name: 'step_up_keys', run: (tx, asOf, p, limit) => retireEndedStepUpKeys(tx, 'unused', ago(asOf, p.endedCredentialDays), limit) },
  { name: 'step_up_key_hashes', run: (tx, asOf, p, limit) => retireEndedStepUpKeys(tx, 'used', ago(asOf, p.endedCredentialDays), limit) },
];

/**
 * The daily retention run as of `asOf` (decision 46): finished outbox rows, ended sessions, links
 * and step-up keys older than the deployment's retention (`ctx.retention`) are deleted, `limit`
 * rows per transaction, step by step. What evidence needs stays: DN-6 confirmations, failed
 * email, unsettled webhook failures, used step-up keys (without their hash). Deleting is
 * idempotent, so the cursor is only the step: a resumed run repeats nothing that committed.
 */
export async function runRetention(db: Db, asOf: Temporal.Instant, ctx: JobContext, limit = CHUNK): Promise<JobOutcome> {
  const policy = ctx.retention ?? defaultRetention;
  assert(Number.isSafeInteger(limit) && limit > 0, 'a retention chunk deletes at least one row');
  return runChunked(db, { program: ALL_PROGRAMS, job: 'retention', period: asOf.toString() }, ctx, async (tx, cursor) => {
    const index = cursor === null ? 0 : Number(cursor);
    const step = steps[index];
    if (!step) return undefined;
    const done = await step.run(tx, asOf, policy, limit);
    return { cursor: String(done < limit ? index + 1 : index), counts: { [step.name]: done } };
  });
}
