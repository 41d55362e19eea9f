/**
 * Faults out of a run's outcomes: a thrown error, or a status the workload never expects (every
 * earn of a fresh key to an open account must be `created`). Deadlocks get their own count.
 */
export function faultsFrom(outcomes: Map<string, number>, expected: readonly string[]): Record<string, number> {
  const faults = { errors: 0, deadlocks: 0, unexpectedStatus: 0 };
  for (const [label, count] of outcomes) {
    if (label === 'error:40P01') faults.deadlocks += count;
    else if (label.startsWith('error:')) faults.errors += count;
    else if (!expected.includes(label)) faults.unexpectedStatus += count;
  }
  return faults;
}

/** Outcomes as report details: `outcome.created: 29872`, `outcome.error:40P01: 3`. */
export function outcomeDetails(outcomes: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...outcomes].sort().map(([label, count]) => [`outcome.${label}`, count]));
}
