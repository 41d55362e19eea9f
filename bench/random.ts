/**
 * Seeded randomness, so two runs with the same sizes send the same operations (Math.random is not
 * seedable). mulberry32: small, fast and good enough to spread members.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Picks member indexes 1…count: uniformly when `exponent` is 0, else Zipf(exponent) by rank (member 1
 * the most active), by binary search over the cumulative weights.
 */
export function memberPicker(count: number, exponent: number, seed: number): () => number {
  const random = seededRandom(seed);
  if (exponent === 0) return () => 1 + Math.floor(random() * count);
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let rank = 1; rank <= count; rank++) {
    total += 1 / rank ** exponent;
    cumulative[rank - 1] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulative[mid] ?? total) < target) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
}
