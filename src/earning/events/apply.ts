import { Temporal } from 'temporal-polyfill';
import { Value } from 'typebox/value';
import { statement, type Db, type Queryable } from '../../db/index.js';
import { findByExternalId, findByLink } from '../../members/index.js';
import type { Program } from '../../programs/index.js';
import { handlers, type HandlerInput } from './handlers.js';
import { EventRejection } from './rejection.js';
import { eventData, isEventType, type EventEnvelope } from './types.js';

export interface EventResult {
  id: string;
  status: 'applied' | 'duplicate' | 'rejected';
  code?: string;
  message?: string;
  /** Net change to the member's points (available and pending) made by this event. */
  points?: number;
}

export interface Context {
  now: Temporal.Instant;
  actor: string;
}

const record = statement('events.record', `
  insert into member_events (member_id, event_id, type, occurred_at, received_at, data, outcome, actor)
  values ($1, $2, $3, $4, $5, $6, '{}', $7)
  on conflict (member_id, event_id) do nothing
  returning event_id`);
const saveOutcome = statement('events.saveOutcome', `update member_events set outcome = $3 where member_id = $1 and event_id = $2`);
const savepoint = statement('events.savepoint', 'savepoint event');
const rollbackTo = statement('events.rollbackToSavepoint', 'rollback to savepoint event');
const release = statement('events.releaseSavepoint', 'release savepoint event');

type Resolved = { index: number; input: HandlerInput } | { index: number; result: EventResult };

/**
 * Applies a batch of events from upstream systems in one transaction (one commit for the whole
 * batch), each event under its own savepoint so a rejected event is rolled back alone and the
 * others still apply. Events are idempotent by id: a resend is `duplicate` and changes nothing.
 * Events are taken in member order (stable, so each member's events keep their order): every
 * batch then locks members in the same order, and concurrent batches cannot deadlock.
 */
export async function applyEvents(db: Db, program: Program, events: readonly EventEnvelope[], ctx: Context): Promise<EventResult[]> {
  const resolved = await Promise.all(events.map((event, index) => resolve(db, program, event, index)));
  const results: EventResult[] = new Array(events.length);
  const runnable: { index: number; input: HandlerInput }[] = [];
  for (const r of resolved) {
    if ('result' in r) results[r.index] = r.result;
    else runnable.push(r);
  }
  runnable.sort((a, b) => (a.input.memberId < b.input.memberId ? -1 : a.input.memberId > b.input.memberId ? 1 : a.index - b.index));
  await db.transaction(async (tx) => {
    for (const { index, input } of runnable) results[index] = await applyOne(tx, input, ctx);
  });
  return results;
}

async function applyOne(tx: Queryable, input: HandlerInput, ctx: Context): Promise<EventResult> {
  const { event } = input;
  await tx.query(savepoint);
  const inserted = await tx.query(record, [
    input.memberId,
    event.id,
    event.type,
    event.occurredAt.toString(),
    ctx.now.toString(),
    JSON.stringify(event.data),
    ctx.actor,
  ]);
  if (inserted.length === 0) {
    await tx.query(release);
    return { id: event.id, status: 'duplicate' };
  }
  try {
    const outcome = await handlers[event.type](tx, input, ctx);
    await tx.query(saveOutcome, [input.memberId, event.id, JSON.stringify(outcome)]);
    await tx.query(release);
    return { id: event.id, status: 'applied', points: outcome.points, ...(outcome.message ? { message: outcome.message } : {}) };
  } catch (error) {
    if (!(error instanceof EventRejection)) throw error;
    await tx.query(rollbackTo);
    await tx.query(release);
    return { id: event.id, status: 'rejected', code: error.code, message: error.message };
  }
}

async function resolve(db: Queryable, program: Program, event: EventEnvelope, index: number): Promise<Resolved> {
  const rejected = (code: string, message: string): Resolved => ({ index, result: { id: event.id, status: 'rejected', code, message } });
  if (!isEventType(event.type)) {
    return rejected('unknown_event_type', `Event type "${event.type}" is not one of ${Object.keys(eventData).join(', ')}`);
  }
  const schema = eventData[event.type];
  if (!Value.Check(schema, event.data)) {
    const first = Value.Errors(schema, event.data)[0];
    return rejected('invalid_event', `data${first?.instancePath?.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'is not valid'}`);
  }
  const occurredAt = Temporal.Instant.from(event.occurredAt);
  if ('externalId' in event.member) {
    const memberId = await findByExternalId(db, program.key, event.member.externalId);
    if (!memberId) return rejected('unknown_member', `No member of ${program.key} has external id "${event.member.externalId}"`);
    return { index, input: { program, memberId, event: { ...event, type: event.type, occurredAt } } };
  }
  const { system, accountId } = event.member.link;
  const linked = await findByLink(db, program.key, system, accountId);
  if (!linked) return rejected('unknown_member', `No member of ${program.key} is linked to ${system} account "${accountId}"`);
  return { index, input: { program, memberId: linked.memberId, linkedAt: linked.linkedAt, event: { ...event, type: event.type, occurredAt } } };
}
