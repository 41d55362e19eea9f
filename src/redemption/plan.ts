import type { Temporal } from 'temporal-polyfill';
import { refusal } from '../errors.js';
import type { PostalAddress } from '../members/index.js';
import type { Program } from '../programs/index.js';
import type { RedemptionConfig, RedemptionKind, RewardConfig } from '../programs/schema.js';
import { mostPointsFor, pointsPerMinorUnit, valueOf, type Money } from './value.js';

/**
 * Everything about a redemption request that needs no database: which fields each kind takes,
 * whether the program offers it, steps, per-request limits and where a reward ships. Pure. Throws
 * the first failed check, in this order: a field the kind needs or does not take (400
 * invalid_request), `redemption_not_offered`, `unknown_reward`, a shipping address the reward does
 * not take (400), `invalid_step`, `currency_mismatch`, `over_limit`, `shipping_address_required`.
 */

export interface RedemptionRequest {
  kind: RedemptionKind;
  points?: number | undefined;
  rewardId?: string | undefined;
  orderId?: string | undefined;
  /** SR-5: the order's total, which points may pay at most. */
  orderTotal?: Money | undefined;
  stepUpKey?: string | undefined;
  shippingAddress?: PostalAddress | undefined;
}

/** A cap kept per member in `redemption_counters`, counted in points. */
export interface Counter {
  name: string;
  cap: number;
  limit: 'monthly_cap' | 'order_total';
}

interface Common {
  points: number;
  value: Money;
}
export type RedemptionPlan =
  | (Common & { kind: 'bill_credit'; billingMonth: string; counter: Counter })
  | (Common & { kind: 'catalog'; reward: RewardConfig; shippingAddress: PostalAddress | null })
  | (Common & { kind: 'checkout'; orderId: string; counter: Counter });

type Field = 'points' | 'rewardId' | 'orderId' | 'orderTotal' | 'shippingAddress';
const fieldsOf: Record<RedemptionKind, { required: Field[]; allowed: Field[] }> = {
  bill_credit: { required: ['points'], allowed: [] },
  catalog: { required: ['rewardId'], allowed: ['shippingAddress'] },
  checkout: { required: ['points', 'orderId', 'orderTotal'], allowed: [] },
};
const allFields: Field[] = ['points', 'rewardId', 'orderId', 'orderTotal', 'shippingAddress'];

export function planRedemption(
  program: Program,
  member: { postalAddress: PostalAddress | null },
  request: RedemptionRequest,
  now: Temporal.Instant,
): RedemptionPlan {
  checkFields(request);
  const config: RedemptionConfig = program.redemption ?? {};
  switch (request.kind) {
    case 'bill_credit':
      return planBillCredit(program, config, request, now);
    case 'catalog':
      return planCatalog(program, config, request, member);
    case 'checkout':
      return planCheckout(program, config, request);
  }
}

function checkFields(request: RedemptionRequest): void {
  const { required, allowed } = fieldsOf[request.kind];
  for (const field of allFields) {
    const given = request[field] !== undefined;
    if (required.includes(field) && !given) invalid(field, `is required for a ${request.kind} redemption`);
    if (given && !required.includes(field) && !allowed.includes(field)) {
      invalid(field, field === 'points' ? "a catalog redemption costs the reward's points; leave points out" : `a ${request.kind} redemption takes no ${field}`);
    }
  }
}

function invalid(field: string, message: string): never {
  throw refusal('invalid_request', `body.${field}: ${message}`, { errors: [{ field: `body.${field}`, message }] });
}

function notOffered(program: Program, kind: RedemptionKind): never {
  throw refusal('redemption_not_offered', `Program ${program.key} does not offer ${kind} redemptions`, { kind });
}

function requested(request: RedemptionRequest): number {
  if (request.points === undefined) return invalid('points', `is required for a ${request.kind} redemption`);
  return request.points;
}

function checkStep(points: number, step: number): void {
  if (points % step !== 0) {
    throw refusal('invalid_step', `Points go in steps of ${step}; ${points} is not a multiple of ${step}`, { step, requested: points });
  }
}

/** FL-4: 1 pt = 1 yen, in steps, at most the monthly cap per billing month (the program-zone month of now). */
function planBillCredit(program: Program, config: RedemptionConfig, request: RedemptionRequest, now: Temporal.Instant): RedemptionPlan {
  const billCredit = config.billCredit ?? notOffered(program, 'bill_credit');
  const points = requested(request);
  checkStep(points, billCredit.step);
  const { billingMonth, counter } = billCreditCounter(program, billCredit, now);
  checkWithin(points, counter, { billingMonth });
  return { kind: 'bill_credit', points, value: valueOf(program, points), billingMonth, counter };
}

/** FL-4: the billing month of `now` (the program zone's month) and its cap's counter. */
export function billCreditCounter(program: Program, billCredit: { monthlyCap: number }, now: Temporal.Instant): { billingMonth: string; counter: Counter } {
  const billingMonth = now.toZonedDateTimeISO(program.timeZone).toPlainDate().toPlainYearMonth().toString();
  return { billingMonth, counter: { name: `bill_credit:${billingMonth}`, cap: billCredit.monthlyCap, limit: 'monthly_cap' } };
}

/** FL-3, FL-6: the reward's points; a reward that ships goes to the address given, else the registered one. */
function planCatalog(
  program: Program,
  config: RedemptionConfig,
  request: RedemptionRequest,
  member: { postalAddress: PostalAddress | null },
): RedemptionPlan {
  const catalog = config.catalog ?? [];
  if (catalog.length === 0) notOffered(program, 'catalog');
  const reward = catalog.find((r) => r.id === request.rewardId);
  if (!reward) throw refusal('unknown_reward', `Program ${program.key} has no reward "${request.rewardId}"`, { rewardId: request.rewardId });
  if (reward.shipping === 'none' && request.shippingAddress !== undefined) {
    invalid('shippingAddress', `reward ${reward.id} ships nothing; leave shippingAddress out`);
  }
  let shippingAddress: PostalAddress | null = null;
  if (reward.shipping === 'required') {
    shippingAddress = request.shippingAddress ?? member.postalAddress;
    if (shippingAddress === null) {
      throw refusal('shipping_address_required', `Reward ${reward.id} is shipped: send shippingAddress, or register the member's postal address`, {
        rewardId: reward.id,
      });
    }
  }
  return { kind: 'catalog', points: reward.points, value: valueOf(program, reward.points), reward, shippingAddress };
}

/** SR-5: the member chooses the points, in steps, worth no more than what is left of the order's total. */
function planCheckout(program: Program, config: RedemptionConfig, request: RedemptionRequest): RedemptionPlan {
  const checkout = config.checkout ?? notOffered(program, 'checkout');
  const points = requested(request);
  const { orderId, orderTotal } = request;
  if (orderId === undefined) return invalid('orderId', 'is required for a checkout redemption');
  if (orderTotal === undefined) return invalid('orderTotal', 'is required for a checkout redemption');
  const step = checkout.step ?? pointsPerMinorUnit(program.pointValue);
  checkStep(points, step);
  if (orderTotal.currency !== program.currency) {
    throw refusal('currency_mismatch', `The order is in ${orderTotal.currency}; program ${program.key} pays in ${program.currency}`, {
      currency: orderTotal.currency,
      expected: program.currency,
    });
  }
  const counter: Counter = { name: `checkout:${orderId}`, cap: mostPointsFor(program, orderTotal.amountMinor, step), limit: 'order_total' };
  checkWithin(points, counter, { orderId });
  return { kind: 'checkout', points, value: valueOf(program, points), orderId, counter };
}

/** The per-request part of a cap; what earlier redemptions used is counted in SQL (`redemption_count`). */
function checkWithin(points: number, counter: Counter, params: Record<string, unknown>): void {
  if (points <= counter.cap) return;
  throw refusal('over_limit', overLimitMessage(counter, 0, points), { limit: counter.limit, cap: counter.cap, used: 0, requested: points, ...params });
}

export function overLimitMessage(counter: Counter, used: number, points: number): string {
  const left = Math.max(counter.cap - used, 0);
  const what = counter.limit === 'monthly_cap' ? `the monthly cap of ${counter.cap} points` : `the order total (${counter.cap} points)`;
  return `${points} points would pass ${what}: ${used} used, ${left} left`;
}
