import { Temporal } from 'temporal-polyfill';
import { statement, type Db } from '../../../src/db/index.js';
import { applyEvents } from '../../../src/earning/index.js';
import type { EventEnvelope } from '../../../src/earning/index.js';
import { Refusal } from '../../../src/errors.js';
import { applyOperations, expireDueChunk, getBalance, post, type LedgerOp } from '../../../src/ledger/index.js';
import type { Member } from '../../../src/members/index.js';
import { expiresAtFor, type Program } from '../../../src/programs/index.js';
import { redeem, refund } from '../../../src/redemption/index.js';
import { monthEndAfter, orderIdOf, type Outcome, type Step } from './member-model.js';
import { YEN_PER_POINT } from './program.js';

/**
 * One member as the real system sees it: each model step done through the domains' own functions
 * (the event pipeline, redemption, the ledger, the expiry job's chunk), as the HTTP routes and
 * jobs call them. An outcome is 'ok', 'duplicate' (an event already applied) or the refusal code;
 * anything else thrown (a lost connection) is for the caller to judge.
 */
export interface MemberSystem {
  program: Program;
  member: Member;
  /** The member before this one in id order among every member of the database: the expiry chunk's cursor, so a chunk of one is this member's. */
  expireAfter: string | undefined;
  /** Model handles (the step's key) → the real redemption or transaction id. */
  handles: Map<string, string>;
}

const ACTOR = 'test:model';

// Two statements: at READ COMMITTED a statement that waited for the lock still reads lots as they
// were when it started, before the transaction it waited for expired them.
const lockAccount = statement('test.model.lockAccount', `select 1 from ledger_accounts where member_id = $1 for update`);
const hasDue = statement('test.model.hasDue', `
  select exists (select 1 from ledger_lots where member_id = $1 and remaining > 0 and expires_at <= $2) as due`);
const instant = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms);

export async function execute(db: Db, sys: MemberSystem, step: Step, key: string, nowMs: number): Promise<Outcome> {
  const now = instant(nowMs);
  try {
    return await executeStep(db, sys, step, key, now);
  } catch (error) {
    if (error instanceof Refusal) return error.code;
    throw error;
  }
}

async function executeStep(db: Db, sys: MemberSystem, step: Step, key: string, now: Temporal.Instant): Promise<Outcome> {
  const { program, member } = sys;
  const ctx = { now, actor: ACTOR };
  const event = (type: string, data: Record<string, unknown>) => sendEvent(db, sys, { id: `ev-${key}`, type, member: { externalId: member.externalId }, occurredAt: now.toString(), data }, now);
  switch (step.type) {
    case 'partner':
      return event('partner.earned', { partner: 'card', points: step.points, reference: key });
    case 'place':
      return event('order.placed', {
        orderId: orderIdOf(key),
        currency: 'JPY',
        lines: [{ sku: 'sku-1', quantity: step.units, unitPrice: step.pointsPerUnit * YEN_PER_POINT }],
      });
    case 'ship':
      return event('order.shipped', { orderId: step.orderId, ...(step.units === undefined ? {} : { lines: [{ sku: 'sku-1', quantity: step.units }] }) });
    case 'return':
      return event('order.returned', { orderId: step.orderId, lines: [{ sku: 'sku-1', quantity: step.units }] });
    case 'cancel':
      return event('order.cancelled', { orderId: step.orderId });
    case 'billCredit': {
      const { receipt } = await redeem(db, { program, member, request: { kind: 'bill_credit', points: step.points }, idempotencyKey: key, trustedLine: false }, ctx);
      sys.handles.set(key, receipt.id);
      sys.handles.set(`${key}#txn`, receipt.transactionId);
      return 'ok';
    }
    case 'checkout': {
      const orderTotal = { amountMinor: step.totalYen, currency: 'JPY' };
      const request = { kind: 'checkout' as const, points: step.points, orderId: step.orderId, orderTotal };
      const { receipt } = await redeem(db, { program, member, request, idempotencyKey: key, trustedLine: false }, ctx);
      sys.handles.set(key, receipt.id);
      sys.handles.set(`${key}#txn`, receipt.transactionId);
      return 'ok';
    }
    case 'refund':
      await refund(db, { program, memberId: member.id, redemptionId: handle(sys, step.redemption), points: step.points, idempotencyKey: key }, ctx);
      return 'ok';
    case 'adjust':
      return adjust(db, sys, step, key, now);
    case 'reverse': {
      const op: LedgerOp = { op: 'reverse', member: member.id, key: `reverse:${key}`, kind: 'adjustment_reversed', transaction: handle(sys, step.adjustment), actor: ACTOR, ...(step.points === undefined ? {} : { points: step.points }) };
      await db.transaction((tx) => post(tx, op, now));
      return 'ok';
    }
    case 'forfeit': {
      const [result] = await applyOperations(db, [{ op: 'forfeit', member: member.id, key: `forfeit:${key}`, kind: 'forfeit', actor: ACTOR }], now);
      if (result?.status !== 'created' && result?.status !== 'replayed') return String(result?.status);
      if (typeof result.transactionId === 'string') sys.handles.set(`${key}#txn`, result.transactionId);
      return 'ok';
    }
    case 'expire':
      // The job's chunk, cut to this member: the cursor before it and a limit of one. The chunk takes
      // the first member with due lots, so it runs only while this member holds its own lock and has some.
      return db.transaction(async (tx) => {
        await tx.query(lockAccount, [member.id]);
        const [row] = await tx.query<{ due: boolean }>(hasDue, [member.id, now.toString()]);
        if (!row?.due) return 'ok';
        const chunk = await expireDueChunk(tx, now, sys.expireAfter, 1);
        if (chunk.lastMember !== member.id) throw new Error(`the expiry chunk after ${sys.expireAfter} expired ${chunk.lastMember}, not ${member.id}`);
        return 'ok';
      });
    case 'clock':
      return 'ok';
  }
}

async function sendEvent(db: Db, sys: MemberSystem, envelope: EventEnvelope, now: Temporal.Instant): Promise<Outcome> {
  const [result] = await applyEvents(db, sys.program, [envelope], { now, actor: ACTOR });
  if (!result) throw new Error('one result per event');
  if (result.status === 'rejected') return result.code ?? 'rejected';
  return result.status === 'duplicate' ? 'duplicate' : 'ok';
}

/** As POST /v1/members/:id/adjustments does it: a credit with the program's (or an explicit) expiry, or a debit, in one transaction. */
async function adjust(db: Db, sys: MemberSystem, step: Extract<Step, { type: 'adjust' }>, key: string, now: Temporal.Instant): Promise<Outcome> {
  const common = { member: sys.member.id, key: `adjust:${key}`, kind: 'adjustment', reason: 'model', actor: ACTOR, counter: 'program:adjusted' as const };
  let op: LedgerOp;
  if (step.points > 0) {
    const expiresAt = step.expiresInMonths === undefined ? undefined : instant(monthEndAfter(sys.program, now.epochMilliseconds, step.expiresInMonths));
    op = { ...common, op: 'credit', points: step.points, expiresAt: expiresAt ?? expiresAtFor(sys.program, now) };
  } else {
    op = { ...common, op: 'debit', points: -step.points };
  }
  const posted = await db.transaction((tx) => post(tx, op, now));
  sys.handles.set(key, posted.transactionId);
  sys.handles.set(`${key}#txn`, posted.transactionId);
  return 'ok';
}

function handle(sys: MemberSystem, key: string): string {
  const id = sys.handles.get(key);
  if (!id) throw new Error(`no real id for ${key}`);
  return id;
}

export interface LedgerRead {
  available: number;
  pending: number;
  /** What the balance API answers at now: available less lots due and not yet swept. */
  balance: number;
  journal: number;
  lots: Map<number, { remaining: number; expired: number }>;
}

const readMember = statement('test.model.readMember', `
  select a.available, a.pending,
         (select count(*) from ledger_journal j where j.member_id = a.member_id) as journal,
         coalesce((select jsonb_agg(jsonb_build_array((extract(epoch from l.expires_at) * 1000)::bigint, l.remaining, l.expired))
                   from ledger_lots l where l.member_id = a.member_id), '[]') as lots
  from ledger_accounts a where a.member_id = $1`);

/** What the ledger holds for the member now: cached balances, lots, journal rows, and the balance API's answer. */
export async function readLedger(db: Db, memberId: string, nowMs: number): Promise<LedgerRead> {
  const [row] = await db.query<{ available: number; pending: number; journal: number; lots: [number, number, number][] }>(readMember, [memberId]);
  if (!row) throw new Error(`no account for ${memberId}`);
  const balance = await getBalance(db, memberId, instant(nowMs));
  return {
    available: row.available,
    pending: row.pending,
    balance: balance?.available ?? Number.NaN,
    journal: row.journal,
    lots: new Map(row.lots.map(([at, remaining, expired]) => [Number(at), { remaining: Number(remaining), expired: Number(expired) }])),
  };
}

const allocationsOf = statement('test.model.allocationsOf', `
  select journal_id, (extract(epoch from expires_at) * 1000)::bigint as bucket, -remaining_delta as taken
  from ledger_allocations where member_id = $1 and journal_id = any($2::text[]) and remaining_delta < 0`);

/** What each of these debits took from each lot (the provenance a later refund restores to). */
export async function readDebitAllocations(db: Db, memberId: string, transactionIds: string[]): Promise<Map<string, Map<number, number>>> {
  const rows = await db.query<{ journal_id: string; bucket: number; taken: number }>(allocationsOf, [memberId, transactionIds]);
  const byTransaction = new Map<string, Map<number, number>>(transactionIds.map((id) => [id, new Map()]));
  for (const row of rows) byTransaction.get(row.journal_id)?.set(Number(row.bucket), Number(row.taken));
  return byTransaction;
}

const orderCredits = statement('test.model.orderCredits', `select order_id, credits from member_orders where member_id = $1`);

/** Each order's credits (confirms) in the order it keeps them: a return takes back the latest first. */
export async function readOrderCredits(db: Db, memberId: string): Promise<Map<string, number[]>> {
  const rows = await db.query<{ order_id: string; credits: { points: number }[] }>(orderCredits, [memberId]);
  return new Map(rows.map((r) => [r.order_id, r.credits.map((c) => Number(c.points))]));
}
