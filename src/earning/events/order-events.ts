import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../../db/index.js';
import { getBalanceForUpdate, type LedgerOp } from '../../ledger/index.js';
import { getMember, getStatus } from '../../members/index.js';
import { assert, Refusal } from '../../errors.js';
import { defaultClawback, defaultCreditOn, expiresAtFor, type Program } from '../../programs/index.js';
import { refundOrder, type OrderReturned } from '../../redemption/index.js';
import { allocateUnits, lineAmounts, pointsOfUnits, returnedShare, type OrderLineState } from '../orders/lines.js';
import { getOrderForUpdate, insertOrder, saveOrder, type OrderRecord } from '../orders/store.js';
import { pointsForOrder } from '../order-points.js';
import type { Handler, HandlerInput, Outcome } from './handlers.js';
import { postForEvent, postOne } from './post.js';
import { reject, requireMemberAt } from './rejection.js';
import type { EventData } from './types.js';

type Ctx = { now: Temporal.Instant; actor: string };

/**
 * order.placed: SR-2 points on the product price (promotions included), pending until shipment
 * (SR-3) or credited at once when the program credits on placement. SR-4: an order placed before
 * the store account was linked earns nothing.
 */
export const orderPlaced: Handler = async (tx, input, ctx) => {
  const { program, memberId, event } = input;
  const data = event.data as EventData<'order.placed'>;
  await requireMemberAt(tx, memberId, event.occurredAt);
  if (input.linkedAt && event.occurredAt.epochNanoseconds < input.linkedAt.epochNanoseconds) {
    reject('placed_before_link', `SR-4: the order was placed ${event.occurredAt}, before the account was linked (${input.linkedAt}); it earns nothing`);
  }
  if (await getOrderForUpdate(tx, memberId, data.orderId)) reject('order_exists', `Order ${data.orderId} was already placed`);
  const earned = await earnedPoints(tx, program, memberId, { ...data, placedAt: event.occurredAt });
  const order: OrderRecord = {
    orderId: data.orderId,
    placedAt: event.occurredAt,
    currency: data.currency,
    lines: earned.lines,
    points: earned.total,
    holdTransaction: null,
    pending: 0,
    credits: [],
    status: 'placed',
  };
  if (earned.total > 0) {
    const common = { member: memberId, key: `event:${event.id}`, kind: 'earn', points: earned.total, occurredAt: event.occurredAt, actor: ctx.actor };
    const meta = { reason: `Order ${data.orderId}`, metadata: { orderId: data.orderId, event: event.id } };
    if ((program.earning?.creditOn ?? defaultCreditOn) === 'placement') {
      const expiresAt = expiresAtFor(program, event.occurredAt);
      const posted = await postOne(tx, program, { ...common, ...meta, op: 'credit', ...(expiresAt ? { expiresAt } : {}) }, ctx.now);
      order.credits.push({ transactionId: posted.transactionId, points: earned.total, reversed: 0 });
    } else {
      const posted = await postOne(tx, program, { ...common, ...meta, op: 'hold' }, ctx.now);
      order.holdTransaction = posted.transactionId;
      order.pending = earned.total;
    }
  }
  await insertOrder(tx, memberId, order, ctx.now);
  return { points: earned.total, message: earned.message };
};

/** order.shipped: SR-3 the points of the shipped units become available (all open units when no lines are named). */
export const orderShipped: Handler = async (tx, { program, memberId, event }, ctx) => {
  const data = event.data as EventData<'order.shipped'>;
  const order = await openOrder(tx, memberId, data.orderId);
  const units = allocateUnits(order.lines, data.lines, (line) => line.quantity - line.shipped);
  if (!units.ok) reject('invalid_event', `Shipment of order ${data.orderId}: ${units.message}`);
  let points = 0;
  for (const line of order.lines) {
    const n = units.take.get(line.index) ?? 0;
    points += pointsOfUnits(line, line.shipped, n);
    line.shipped += n;
  }
  const toConfirm = Math.min(points, order.pending);
  if (toConfirm > 0 && order.holdTransaction) {
    const expiresAt = expiresAtFor(program, event.occurredAt);
    const posted = await postOne(
      tx,
      program,
      {
        op: 'confirm',
        member: memberId,
        key: `event:${event.id}`,
        kind: 'earn',
        transaction: order.holdTransaction,
        points: toConfirm,
        reason: `Order ${data.orderId} shipped`,
        occurredAt: event.occurredAt,
        actor: ctx.actor,
        metadata: { orderId: data.orderId, event: event.id },
        ...(expiresAt ? { expiresAt } : {}),
      },
      ctx.now,
    );
    order.pending -= toConfirm;
    order.credits.push({ transactionId: posted.transactionId, points: toConfirm, reversed: 0 });
  }
  if (order.lines.every((line) => line.shipped === line.quantity)) order.status = 'shipped';
  await saveOrder(tx, memberId, order, ctx.now);
  return { points: 0, message: toConfirm > 0 ? `SR-3: ${toConfirm} points now available` : undefined };
};

/**
 * order.returned: SR-6 deducts the points the returned units earned, promotion and bonus parts
 * included; SR-5 refunds the points that paid for the order at checkout in proportion
 * (`refundOrder`: the returned share of the order's amount, the rest when all of it is back).
 */
export const orderReturned: Handler = async (tx, input, ctx) => {
  const { program, memberId, event } = input;
  const data = event.data as EventData<'order.returned'>;
  const order = await orderIfOpen(tx, memberId, data.orderId);
  // Without the order its amounts are unknown: only a return of all of it can refund (SR-5).
  if (!order && data.lines) reject('unknown_order', `The member has no order ${data.orderId}`);
  if (!order) return refundUnknownOrder(tx, input, data.orderId, ctx);
  const units = allocateUnits(order.lines, data.lines, (line) => line.quantity - line.returned);
  if (!units.ok) reject('invalid_event', `Return of order ${data.orderId}: ${units.message}`);
  // Units that shipped gave available points, units that did not are still pending (SR-3): each
  // returned unit takes back from where its own points are, so a pending line of the same order
  // keeps its points pending until it ships.
  const points = { pending: 0, credits: 0 };
  for (const line of order.lines) {
    const n = units.take.get(line.index) ?? 0;
    const shipped = Math.max(0, Math.min(line.returned + n, line.shipped) - line.returned);
    points.credits += pointsOfUnits(line, line.returned, shipped);
    points.pending += pointsOfUnits(line, line.returned + shipped, n - shipped);
    line.returned += n;
  }
  const refunded = await refundPayments(tx, input, order.orderId, returnedShare(order.lines), ctx);
  const taken = await takeBack(tx, program, memberId, order, points, event, ctx);
  if (order.lines.every((line) => line.returned === line.quantity)) order.status = 'returned';
  await saveOrder(tx, memberId, order, ctx.now);
  return withRefunds({ points: -taken, message: `SR-6: ${taken} points deducted for the returned items` }, refunded);
};

/**
 * order.cancelled: SR-6 every point the order earned goes back, pending or available; SR-5 every
 * point that paid for it at checkout and was not refunded yet comes back to the member.
 */
export const orderCancelled: Handler = async (tx, input, ctx) => {
  const { program, memberId, event } = input;
  const data = event.data as EventData<'order.cancelled'>;
  const order = await orderIfOpen(tx, memberId, data.orderId);
  if (!order) return refundUnknownOrder(tx, input, data.orderId, ctx);
  const refunded = await refundPayments(tx, input, order.orderId, { all: true }, ctx);
  const credits = order.credits.reduce((sum, c) => sum + c.points - c.reversed, 0);
  const taken = await takeBack(tx, program, memberId, order, { pending: order.pending, credits }, event, ctx);
  order.status = 'cancelled';
  await saveOrder(tx, memberId, order, ctx.now);
  return withRefunds({ points: -taken, message: `SR-6: ${taken} points taken back` }, refunded);
};

/**
 * SR-5: an order paid in points at checkout but unknown here (placed before the store account was
 * linked, or its order.placed was rejected or never sent) still refunds its payments when the
 * shop cancels it or takes all of it back. With nothing left to refund the event is rejected, as
 * before, as `unknown_order`.
 */
async function refundUnknownOrder(tx: Queryable, input: HandlerInput, orderId: string, ctx: Ctx): Promise<Outcome> {
  const refunded = await refundPayments(tx, input, orderId, { all: true }, ctx);
  if (refunded.points === 0) reject('unknown_order', `The member has no order ${orderId}`);
  return withRefunds({ points: 0 }, refunded);
}

type Refunded = Awaited<ReturnType<typeof refundOrder>>;

/**
 * SR-5 in the event's transaction, before SR-6 takes points back, so that this event locks the
 * redemption rows before the member's ledger account, as a refund by hand does. (An earlier event
 * of the same member in the batch may already hold the account; a refund by hand racing it is
 * then a deadlock PostgreSQL breaks by failing one of the two, which the caller retries.) A
 * refusal of the redemption domain rejects the event (rolled back alone), as a ledger refusal does.
 */
async function refundPayments(tx: Queryable, { program, memberId, event }: HandlerInput, orderId: string, returned: OrderReturned, ctx: Ctx): Promise<Refunded> {
  try {
    return await refundOrder(tx, { program, memberId, orderId, returned, event: { id: event.id, occurredAt: event.occurredAt } }, ctx);
  } catch (error) {
    if (error instanceof Refusal) reject(error.code, error.message);
    throw error;
  }
}

function withRefunds(outcome: Outcome, refunded: Refunded): Outcome {
  if (refunded.refunds.length === 0) return outcome;
  const message = `SR-5: ${refunded.points} points of the checkout payment refunded`;
  return {
    ...outcome,
    points: outcome.points + refunded.points,
    message: outcome.message ? `${outcome.message}; ${message}` : message,
    refunds: refunded.refunds.map((r) => ({ id: r.id, redemptionId: r.redemptionId, points: r.points })),
  };
}

/**
 * Takes points of an order back: `points.pending` from what is still pending (cancelling part of
 * the hold), `points.credits` by reversing the order's credits, latest first; a part one side
 * cannot cover is taken from the other (an order credited on placement has no hold). The
 * program's clawback policy decides whether a member who already spent the points goes negative
 * (allow_negative) or keeps what is not there to take (up_to_available). Returns the points
 * actually taken.
 */
async function takeBack(
  tx: Queryable,
  program: Program,
  memberId: string,
  order: OrderRecord,
  points: { pending: number; credits: number },
  event: HandlerInput['event'],
  ctx: Ctx,
): Promise<number> {
  const ops: LedgerOp[] = [];
  const common = { member: memberId, occurredAt: event.occurredAt, actor: ctx.actor, reason: `Order ${order.orderId}: ${event.type}`, metadata: { orderId: order.orderId, event: event.id } };
  const hold = order.holdTransaction ? order.pending : 0;
  const openCredits = order.credits.reduce((sum, c) => sum + c.points - c.reversed, 0);
  let fromHold = Math.min(points.pending, hold);
  let left = Math.min(points.credits + (points.pending - fromHold), openCredits);
  fromHold += Math.min(points.credits + points.pending - fromHold - left, hold - fromHold);
  if (fromHold > 0 && order.holdTransaction) {
    ops.push({ ...common, op: 'cancel', key: `event:${event.id}:hold`, kind: 'earn_cancelled', transaction: order.holdTransaction, points: fromHold });
    order.pending -= fromHold;
  }
  const allowNegative = (program.earning?.returns?.clawback ?? defaultClawback) === 'allow_negative';
  // up_to_available: never more than the member has (the rest of the order's points stay spent),
  // read under the member's ledger lock: a redemption committing after an unlocked read made the
  // reversal below `insufficient_points` and rejected the whole event (found by D1's races).
  let budget = allowNegative ? Number.POSITIVE_INFINITY : Math.max(0, (await getBalanceForUpdate(tx, memberId, ctx.now))?.available ?? 0);
  for (const credit of [...order.credits].reverse()) {
    const n = Math.min(left, credit.points - credit.reversed, budget);
    budget -= Math.max(n, 0);
    if (n <= 0) continue;
    ops.push({ ...common, op: 'reverse', key: `event:${event.id}:${credit.transactionId}`, kind: 'earn_reversed', transaction: credit.transactionId, points: n, allowNegative });
    credit.reversed += n;
    left -= n;
  }
  // What could not be taken back is dropped: the order no longer owes it.
  const posted = await postForEvent(tx, program, ops, ctx.now);
  return posted.reduce((sum, p) => sum + (p?.points ?? 0), 0);
}

async function openOrder(tx: Queryable, memberId: string, orderId: string): Promise<OrderRecord> {
  const order = await orderIfOpen(tx, memberId, orderId);
  if (!order) reject('unknown_order', `The member has no order ${orderId}`);
  return order;
}

/** The order, locked, or undefined when the member has none by that id; a closed one is rejected. */
async function orderIfOpen(tx: Queryable, memberId: string, orderId: string): Promise<OrderRecord | undefined> {
  const order = await getOrderForUpdate(tx, memberId, orderId);
  if (order && (order.status === 'cancelled' || order.status === 'returned')) reject('order_closed', `Order ${orderId} is already ${order.status}`);
  return order;
}


async function earnedPoints(
  tx: Queryable,
  program: Program,
  memberId: string,
  order: EventData<'order.placed'> & { placedAt: Temporal.Instant },
): Promise<{ total: number; lines: OrderLineState[]; message?: string }> {
  const member = await getMember(tx, memberId);
  if (!member) reject('unknown_member', `No member ${memberId}`);
  const status = await getStatus(tx, memberId);
  const result = pointsForOrder(program, order, { id: memberId, attributes: member.attributes, ...(status ? { tier: status.tier } : {}) });
  if (!result.ok) reject(result.code, result.message.en);
  const { value } = result;
  const amounts = lineAmounts(order.lines);
  if (!amounts) reject('invalid_event', `data.lines: the order's total passes ${Number.MAX_SAFE_INTEGER} minor units`);
  return {
    total: value.total,
    lines: value.lines.map((line) => {
      const amountMinor = amounts[line.index];
      assert(amountMinor !== undefined, 'every line of the order has its amount');
      return { index: line.index, sku: line.sku, quantity: line.quantity, points: line.points, parts: line.parts, amountMinor, shipped: 0, returned: 0 };
    }),
    message: value.explanation.map((e) => e.message.en).join('; '),
  };
}
