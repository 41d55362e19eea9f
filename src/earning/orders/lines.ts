/**
 * Pure arithmetic of an order's lines: how many of a line's points belong to its first n units.
 * Cumulative flooring makes partial shipments and returns add up exactly: shipping or returning
 * a line in any number of parts moves exactly the line's points, never one more or less (G1).
 */
export interface OrderLineState {
  index: number;
  sku: string;
  quantity: number;
  /** Every point the line earned: base, promotion and bonus parts. */
  points: number;
  parts: { rule: string; points: number }[];
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
