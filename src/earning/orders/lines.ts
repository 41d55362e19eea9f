/**
 * Pure arithmetic of an order's lines: how many of a line's points (or of its amount) belong to
 * its first n units. Cumulative flooring makes partial shipments and returns add up exactly:
 * shipping or returning a line in any number of parts moves exactly the line's points, never one
 * more or less (G1).
 */
export interface OrderLineState {
  index: number;
  sku: string;
  quantity: number;
  /** Every point the line earned: base, promotion and bonus parts. */
  points: number;
  parts: { rule: string; points: number }[];
  /**
   * What the line cost the customer, in minor units: price × quantity plus its tax, shipping and
   * fees. SR-5 weighs returns by it (the returned share of a checkout payment). 0 on orders placed
   * before it was kept, which then refund their points only when returned in full or cancelled.
   */
  amountMinor: number;
  shipped: number;
  returned: number;
}

export function pointsOfFirstUnits(line: Pick<OrderLineState, 'quantity' | 'points'>, units: number): number {
  if (units >= line.quantity) return line.points;
  return Math.floor((line.points * units) / line.quantity);
}

/** Points of units `from`+1 … `from`+`count` of the line. */
export function pointsOfUnits(line: Pick<OrderLineState, 'quantity' | 'points'>, from: number, count: number): number {
  return pointsOfFirstUnits(line, from + count) - pointsOfFirstUnits(line, from);
}

export interface LineQuantity {
  sku: string;
  quantity: number;
}

/**
 * Which units of which lines a shipment or return covers. `requested` undefined means every unit
 * still open. Lines are matched by sku in order; asking for more than is open is an error message.
 */
export function allocateUnits(
  lines: readonly OrderLineState[],
  requested: readonly LineQuantity[] | undefined,
  open: (line: OrderLineState) => number,
): { ok: true; take: Map<number, number> } | { ok: false; message: string } {
  const take = new Map<number, number>();
  if (!requested) {
    for (const line of lines) if (open(line) > 0) take.set(line.index, open(line));
    return { ok: true, take };
  }
  for (const want of requested) {
    let left = want.quantity;
    for (const line of lines) {
      if (line.sku !== want.sku || left === 0) continue;
      const n = Math.min(left, open(line) - (take.get(line.index) ?? 0));
      if (n > 0) take.set(line.index, (take.get(line.index) ?? 0) + n);
      left -= Math.max(n, 0);
    }
    if (left > 0) return { ok: false, message: `sku ${want.sku}: ${want.quantity} asked, only ${want.quantity - left} open` };
  }
  return { ok: true, take };
}

/**
 * The line totals of an order as placed (price × quantity + tax + shipping + fees), or undefined
 * when the order's total is not a safe integer (no real order comes near 9 × 10^15 minor units).
 */
export function lineAmounts(lines: readonly { quantity: number; unitPrice: number; tax?: number; shipping?: number; fees?: number }[]): number[] | undefined {
  const amounts = lines.map((line) => BigInt(line.unitPrice) * BigInt(line.quantity) + BigInt(line.tax ?? 0) + BigInt(line.shipping ?? 0) + BigInt(line.fees ?? 0));
  const total = amounts.reduce((sum, amount) => sum + amount, 0n);
  return total <= BigInt(Number.MAX_SAFE_INTEGER) ? amounts.map(Number) : undefined;
}

/** Minor units of the first n units of a line: its amount, cumulatively floored like its points. */
export function amountOfFirstUnits(line: Pick<OrderLineState, 'quantity' | 'amountMinor'>, units: number): number {
  if (units >= line.quantity) return line.amountMinor;
  return Number((BigInt(line.amountMinor) * BigInt(units)) / BigInt(line.quantity));
}

/**
 * SR-5: how much of the order has come back so far, by amount: every unit (`all`), or the
 * returned units' amount out of the order's whole amount.
 */
export function returnedShare(lines: readonly OrderLineState[]): { all: true } | { all: false; amountMinor: number; ofMinor: number } {
  if (lines.every((line) => line.returned >= line.quantity)) return { all: true };
  let amountMinor = 0;
  let ofMinor = 0;
  for (const line of lines) {
    amountMinor += amountOfFirstUnits(line, line.returned);
    ofMinor += line.amountMinor;
  }
  return { all: false, amountMinor, ofMinor };
}
