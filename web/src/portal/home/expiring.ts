/**
 * Points expire at an instant that ends their last day (FL-8: March 31, 24:00 is April 1, 00:00),
 * so members are shown that last day, not the next one.
 */
export function lastValidDay(expiresAt: string): string {
  return new Date(Date.parse(expiresAt) - 1).toISOString();
}

/** Points expiring, summed per calendar month of their last valid day (in the viewer's time zone). */
export function expiringByMonth(expiring: { points: number; expiresAt: string }[]): { month: string; points: number }[] {
  const sums = new Map<string, number>();
  for (const lot of expiring) {
    const at = new Date(lastValidDay(lot.expiresAt));
    const month = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}`;
    sums.set(month, (sums.get(month) ?? 0) + lot.points);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, points]) => ({ month, points }));
}
