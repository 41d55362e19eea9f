import { duePoints } from './ledger-model.js';
import type { MemberState } from './member-model.js';
import type { LedgerRead } from './system.js';

/**
 * How the database differs from the model for one member: balances, the balance API's answer,
 * journal rows (history) and every lot's remaining and expired points. Undefined when they agree.
 */
export function stateDiff(model: MemberState, read: LedgerRead): string | undefined {
  const g = model.ledger;
  const diffs: string[] = [];
  const expect = (what: string, want: number, got: number) => {
    if (want !== got) diffs.push(`${what}: model ${want}, database ${got}`);
  };
  expect('available', g.available, read.available);
  expect('pending', g.pending, read.pending);
  expect('balance at now', g.available - duePoints(g, model.now), read.balance);
  expect('journal rows', g.journal, read.journal);
  const buckets = new Set([...g.lots.keys(), ...read.lots.keys()]);
  for (const bucket of [...buckets].sort((a, b) => a - b)) {
    const want = g.lots.get(bucket) ?? { remaining: 0, expired: 0 };
    const got = read.lots.get(bucket) ?? { remaining: 0, expired: 0 };
    const at = new Date(bucket).toISOString();
    if (!g.lots.has(bucket) || !read.lots.has(bucket)) diffs.push(`lot ${at}: ${g.lots.has(bucket) ? 'missing in the database' : 'not in the model'}`);
    expect(`lot ${at} remaining`, want.remaining, got.remaining);
    expect(`lot ${at} expired`, want.expired, got.expired);
  }
  return diffs.length === 0 ? undefined : diffs.join('; ');
}

/** Every order of `n` items (n ≤ 4 in the suites: at most 24). */
export function permutations(n: number): number[][] {
  if (n <= 1) return [[...Array(n).keys()]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}
