import type { BackendName } from './backend.js';
import type { Sizes } from './context.js';

export type Preset = 'quick' | 'default';

/**
 * How much work a run does. `default` finishes within ten minutes on 2 cores with both backends
 * (PERFORMANCE.md's full seed of 1M members is `--members 1000000`); `quick` in about a minute, to see
 * that everything runs. PGlite has one connection, so c = 1 and smaller sizes.
 */
const presets: Record<Preset, Record<BackendName, Sizes>> = {
  quick: {
    postgres: {
      members: 50_000, concurrency: 32, insOps: 10_000, bulkRows: 50_000,
      w1Ops: 8_000, w2Ops: 20_000, w2Submitters: 256, w2Writers: 2,
      w3Ops: 4_000, w4Ops: 3_000, w4Concurrency: 16, w7Members: 50_000, w8Lots: 50_000, w8Chunk: 20_000, zipf: 0,
      w5Ops: 8_000, w6Events: 4_000, w9Members: 20_000, w9Rate: 200, w9IdleOps: 1_000, w10Ops: 20_000, w12Runs: 3,
      httpMembers: 10_000, httpEarnOps: 4_000, httpReadOps: 10_000,
    },
    pglite: {
      members: 20_000, concurrency: 1, insOps: 5_000, bulkRows: 20_000,
      w1Ops: 1_000, w2Ops: 10_000, w2Submitters: 256, w2Writers: 1,
      w3Ops: 1_000, w4Ops: 1_000, w4Concurrency: 16, w7Members: 20_000, w8Lots: 20_000, w8Chunk: 10_000, zipf: 0,
      w5Ops: 1_000, w6Events: 1_000, w9Members: 10_000, w9Rate: 100, w9IdleOps: 500, w10Ops: 5_000, w12Runs: 3,
      httpMembers: 5_000, httpEarnOps: 1_000, httpReadOps: 3_000,
    },
  },
  default: {
    postgres: {
      members: 200_000, concurrency: 32, insOps: 40_000, bulkRows: 1_000_000,
      w1Ops: 40_000, w2Ops: 150_000, w2Submitters: 256, w2Writers: 2,
      w3Ops: 30_000, w4Ops: 15_000, w4Concurrency: 16, w7Members: 1_000_000, w8Lots: 1_000_000, w8Chunk: 20_000, zipf: 0,
      w5Ops: 40_000, w6Events: 10_000, w9Members: 200_000, w9Rate: 200, w9IdleOps: 3_000, w10Ops: 100_000, w12Runs: 3,
      httpMembers: 50_000, httpEarnOps: 20_000, httpReadOps: 50_000,
    },
    pglite: {
      members: 50_000, concurrency: 1, insOps: 20_000, bulkRows: 100_000,
      w1Ops: 5_000, w2Ops: 50_000, w2Submitters: 256, w2Writers: 1,
      w3Ops: 5_000, w4Ops: 5_000, w4Concurrency: 16, w7Members: 100_000, w8Lots: 100_000, w8Chunk: 20_000, zipf: 0,
      w5Ops: 5_000, w6Events: 10_000, w9Members: 50_000, w9Rate: 100, w9IdleOps: 1_500, w10Ops: 20_000, w12Runs: 3,
      httpMembers: 20_000, httpEarnOps: 5_000, httpReadOps: 10_000,
    },
  },
};

/** Flag name ↔ field. Each flag also reads BENCH_<NAME> from the environment (`--w1-ops` ↔ BENCH_W1_OPS). */
export const sizeFlags: Record<string, keyof Sizes> = {
  members: 'members',
  concurrency: 'concurrency',
  'ins-ops': 'insOps',
  'bulk-rows': 'bulkRows',
  'w1-ops': 'w1Ops',
  'w2-ops': 'w2Ops',
  'w2-submitters': 'w2Submitters',
  'w2-writers': 'w2Writers',
  'w3-ops': 'w3Ops',
  'w4-ops': 'w4Ops',
  'w4-concurrency': 'w4Concurrency',
  'w7-members': 'w7Members',
  'w8-lots': 'w8Lots',
  'w8-chunk': 'w8Chunk',
  zipf: 'zipf',
  'w5-ops': 'w5Ops',
  'w6-events': 'w6Events',
  'w9-members': 'w9Members',
  'w9-rate': 'w9Rate',
  'w9-idle-ops': 'w9IdleOps',
  'w10-ops': 'w10Ops',
  'w12-runs': 'w12Runs',
  'http-members': 'httpMembers',
  'http-earn-ops': 'httpEarnOps',
  'http-read-ops': 'httpReadOps',
};

/** The preset's sizes for the backend, overridden by flags, then by the environment. */
export function resolveSizes(
  preset: Preset,
  backend: BackendName,
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): Sizes {
  const sizes: Sizes = { ...presets[preset][backend] };
  for (const [flag, field] of Object.entries(sizeFlags)) {
    const envName = `BENCH_${flag.toUpperCase().replaceAll('-', '_')}`;
    const raw = flags[flag] ?? env[envName];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw.replaceAll('_', ''));
    const valid = field === 'zipf' ? Number.isFinite(value) && value >= 0 : Number.isSafeInteger(value) && value > 0;
    if (!valid) throw new Error(`--${flag} / ${envName} must be a ${field === 'zipf' ? 'number ≥ 0' : 'positive integer'}, got "${raw}"`);
    sizes[field] = value;
  }
  return sizes;
}
