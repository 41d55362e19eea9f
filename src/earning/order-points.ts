import type { Temporal } from 'temporal-polyfill';
import { assert, type RefusalCode } from '../errors.js';
import { conditionFor } from '../programs/index.js';
import { defaultPromotionStacking, type AmountPart, type Program, type PromotionConfig, type RoundingMode, type SpendRuleConfig } from '../programs/index.js';
import { celContext, type CelContext, type Message } from '../rules/index.js';
import { allocateByLargestRemainder, divideRounded, roundingNames } from './rounding.js';

/**
 * SR-2 spend-based points of an order: pure, no I/O. Money is in minor units (cents, yen) and all
 * arithmetic is integer (BigInt inside, so a large order cannot lose precision).
 *
 * Per spend rule: each line's eligible amount (the rule's `amounts`, when its `when` holds for the
 * line), the rule's points on the order's eligible total with the rule's rounding, then allocated
 * to the lines by largest remainder so the line points add up to exactly the rule's points.
 * Promotions add extra points per line on top of the named rules' line points.
 */

export interface OrderLineInput {
  sku: string;
  quantity: number;
  unitPrice: number;
  /** Line totals, not per unit. */
  tax?: number;
  shipping?: number;
  fees?: number;
  category?: string;
}

export interface OrderInput {
  orderId: string;
  currency: string;
  placedAt: Temporal.Instant;
  lines: readonly OrderLineInput[];
}

/** What a condition sees as `member`. */
export interface MemberFacts {
  id: string;
  /** Program-defined facts (members' `attributes`); a condition reading one that is absent fails. */
  attributes?: Readonly<Record<string, unknown>>;
  tier?: string;
}

/** Points of one line earned under one rule or promotion (named by its id). */
export interface PointsPart {
  rule: string;
  points: number;
}

export interface LinePoints {
  index: number;
  sku: string;
  quantity: number;
  /** The sum of `parts`. */
  points: number;
  /** Only rules that gave this line points, spend rules first, in configuration order. */
  parts: PointsPart[];
}

export interface Explanation {
  rule: string;
  points: number;
  /** The line a line-level entry (a condition that excluded it) is about. */
  line?: number;
  message: Message;
}

export interface OrderPoints {
  /** The sum of the lines' points. */
  total: number;
  lines: LinePoints[];
  explanation: Explanation[];
}

export type OrderPointsRefusal = {
  ok: false;
  code: Extract<RefusalCode, 'currency_mismatch' | 'invalid_event'>;
  message: Message;
  params: Record<string, string | number>;
};
export type OrderPointsResult = { ok: true; value: OrderPoints } | OrderPointsRefusal;

/** At most this many lines per order; the events endpoint allows 500. */
export const maxOrderLines = 1000;

export function pointsForOrder(program: Program, order: OrderInput, member: MemberFacts): OrderPointsResult {
  if (order.currency !== program.currency) {
    const en = `The order is in ${order.currency}, but ${program.key} earns in ${program.currency}`;
    const ja = `注文の通貨 ${order.currency} はプログラム ${program.key} の通貨 ${program.currency} と異なります`;
    return { ok: false, code: 'currency_mismatch', message: { ja, en }, params: { expected: program.currency, actual: order.currency } };
  }
  assertOrder(order);
  // Converted for CEL once: the order and member are shared by every line's condition.
  const shared = celContext({ order: orderContext(order), member });
  const contexts = order.lines.map((line, index) => shared.with({ line: lineContext(line, index) }));
  const spend = program.earning?.spend ?? [];
  const explanation: Explanation[] = [];
  const parts = order.lines.map(() => new Map<string, bigint>());
  const base = new Map<string, bigint[]>();
  for (const rule of spend) {
    const linePoints = spendRulePoints(rule, order, contexts, explanation);
    base.set(rule.id, linePoints);
    linePoints.forEach((points, index) => parts[index]?.set(rule.id, points));
  }
  const promotions = activePromotions(program, order.placedAt);
  addPromotionPoints(program, promotions, base, order, contexts, parts, explanation);
  const lines = order.lines.map((line, index) => linePointsOf(line, index, parts[index] ?? new Map()));
  const total = lines.reduce((sum, line) => sum + BigInt(line.points), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    const en = `The order would earn ${total} points, more than can be counted`;
    return { ok: false, code: 'invalid_event', message: { ja: `注文のポイント ${total} が上限を超えています`, en }, params: { points: total.toString() } };
  }
  return { ok: true, value: { total: Number(total), lines, explanation } };
}

/** One spend rule: the points of each line, summing exactly to the rule's rounded points. */
function spendRulePoints(rule: SpendRuleConfig, order: OrderInput, contexts: readonly CelContext[], explanation: Explanation[]): bigint[] {
  const condition = conditionFor(rule.when, 'spend', rule.id);
  const eligible = order.lines.map((line, index) => {
    const context = contexts[index];
    assert(context !== undefined, 'every line has its context');
    const decision = condition?.evaluate(context) ?? { ok: true };
    if (decision.ok) return eligibleAmount(line, rule.amounts);
    for (const reason of decision.reasons) {
      const en = `Line ${index + 1} (${line.sku}) earns nothing under rule "${rule.id}": ${reason.message.en}`;
      const ja = `${index + 1}行目（${line.sku}）はルール「${rule.id}」の対象外です: ${reason.message.ja}`;
      explanation.push({ rule: rule.id, points: 0, line: index, message: { ja, en } });
    }
    return 0n;
  });
  const eligibleTotal = eligible.reduce((sum, amount) => sum + amount, 0n);
  const points = divideRounded(eligibleTotal * BigInt(rule.points), BigInt(rule.per), rule.rounding);
  explanation.push({ rule: rule.id, points: Number(points), message: spendMessage(rule, eligibleTotal, points) });
  return allocateByLargestRemainder(points, eligible);
}

/** SR-2: only the parts the rule names earn; by default the program names price only (not tax, shipping or fees). */
function eligibleAmount(line: OrderLineInput, amounts: readonly AmountPart[]): bigint {
  let amount = 0n;
  for (const part of amounts) {
    if (part === 'price') amount += BigInt(line.unitPrice) * BigInt(line.quantity);
    else amount += BigInt(line[part] ?? 0);
  }
  return amount;
}

/** Promotions whose window holds the order's placement day, in the program's zone (both ends inclusive). */
function activePromotions(program: Program, placedAt: Temporal.Instant): PromotionConfig[] {
  const day = placedAt.toZonedDateTimeISO(program.timeZone).toPlainDate().toString();
  // ISO dates compare as text in calendar order.
  return (program.earning?.promotions ?? []).filter((promotion) => promotion.from <= day && day <= promotion.until);
}

/**
 * SR-2: a promotion with multiplier m makes the named rules' points m times in total: its part is
 * (m − 1) × the rule's line points, exact because line points are whole. `best` takes the largest
 * multiplier per line and rule (the first configured on a tie); `sum` adds every promotion's extra.
 */
function addPromotionPoints(
  program: Program,
  promotions: readonly PromotionConfig[],
  base: ReadonlyMap<string, readonly bigint[]>,
  order: OrderInput,
  contexts: readonly CelContext[],
  parts: Map<string, bigint>[],
  explanation: Explanation[],
): void {
  const stacking = program.earning?.promotionStacking ?? defaultPromotionStacking;
  const extraByPromotion = new Map<string, bigint>(promotions.map((promotion) => [promotion.id, 0n]));
  for (const index of order.lines.keys()) {
    const context = contexts[index];
    assert(context !== undefined, 'every line has its context');
    const applying = promotions.filter((promotion) => conditionFor(promotion.when, 'promotion', promotion.id)?.evaluate(context).ok ?? true);
    for (const [ruleId, linePoints] of base) {
      const points = linePoints[index] ?? 0n;
      const candidates = applying.filter((promotion) => promotion.rules.includes(ruleId));
      const chosen = stacking === 'sum' ? candidates : bestOf(candidates);
      for (const promotion of chosen) {
        const extra = points * BigInt(promotion.multiplier - 1);
        if (extra === 0n) continue;
        const lineParts = parts[index];
        assert(lineParts !== undefined, 'every line has its parts');
        lineParts.set(promotion.id, (lineParts.get(promotion.id) ?? 0n) + extra);
        extraByPromotion.set(promotion.id, (extraByPromotion.get(promotion.id) ?? 0n) + extra);
      }
    }
  }
  for (const promotion of promotions) {
    const extra = extraByPromotion.get(promotion.id) ?? 0n;
    const en = `Promotion "${promotion.id}" (${promotion.from} to ${promotion.until}): ${promotion.rules.join(', ')} × ${promotion.multiplier} in total, +${extra} pt`;
    const ja = `プロモーション「${promotion.id}」（${promotion.from}〜${promotion.until}）: ${promotion.rules.join('、')} のポイントが合計${promotion.multiplier}倍、+${extra} pt`;
    explanation.push({ rule: promotion.id, points: Number(extra), message: { ja, en } });
  }
}

function bestOf(promotions: readonly PromotionConfig[]): PromotionConfig[] {
  let best: PromotionConfig | undefined;
  for (const promotion of promotions) if (best === undefined || promotion.multiplier > best.multiplier) best = promotion;
  return best === undefined ? [] : [best];
}

function linePointsOf(line: OrderLineInput, index: number, parts: ReadonlyMap<string, bigint>): LinePoints {
  const nonZero = [...parts].filter(([, points]) => points > 0n);
  const points = nonZero.reduce((sum, [, part]) => sum + part, 0n);
  return {
    index,
    sku: line.sku,
    quantity: line.quantity,
    points: Number(points),
    parts: nonZero.map(([rule, part]) => ({ rule, points: Number(part) })),
  };
}

function spendMessage(rule: SpendRuleConfig, eligibleTotal: bigint, points: bigint): Message {
  const amounts = rule.amounts.join(' + ');
  const rounding = roundingNames[rule.rounding satisfies RoundingMode];
  return {
    ja: `ルール「${rule.id}」: 対象金額 ${eligibleTotal}（${amounts}）の ${rule.per} ごとに ${rule.points} pt（${rounding.ja}）= ${points} pt`,
    en: `Rule "${rule.id}": ${rule.points} pt per ${rule.per} of ${amounts} on ${eligibleTotal} eligible (${rounding.en}) = ${points} pt`,
  };
}

/**
 * What a condition sees of a line: its fields, `index`, `price` (unitPrice × quantity), missing
 * tax, shipping and fees as 0, and a missing category as "" (so `line.category != "gift-card"`
 * holds for a line without one).
 */
function lineContext(line: OrderLineInput, index: number): Record<string, unknown> {
  return {
    ...line,
    index,
    price: line.unitPrice * line.quantity,
    tax: line.tax ?? 0,
    shipping: line.shipping ?? 0,
    fees: line.fees ?? 0,
    category: line.category ?? '',
  };
}

function orderContext(order: OrderInput): Record<string, unknown> {
  return { orderId: order.orderId, currency: order.currency, placedAt: order.placedAt, lines: order.lines.map(lineContext) };
}

/** The events endpoint checks these; a caller that did not has a bug. */
function assertOrder(order: OrderInput): void {
  assert(order.lines.length <= maxOrderLines, `an order has at most ${maxOrderLines} lines`);
  for (const line of order.lines) {
    assert(Number.isSafeInteger(line.quantity) && line.quantity >= 1, `line ${line.sku}: quantity is a whole number >= 1`);
    for (const amount of [line.unitPrice, line.tax ?? 0, line.shipping ?? 0, line.fees ?? 0]) {
      assert(Number.isSafeInteger(amount) && amount >= 0, `line ${line.sku}: amounts are whole minor units >= 0`);
    }
  }
}
