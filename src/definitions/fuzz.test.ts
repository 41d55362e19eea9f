import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { loadCampaignFile } from '../campaigns/load.js';
import { loadProgramFile } from '../programs/load.js';
import { loadScenarioFile } from '../simulator/load.js';
import { loadSweepstakesOf } from '../sweepstakes/load.js';
import { DefinitionLoadError, type DefinitionLoadProblem } from './index.js';

/**
 * RELIABILITY.md K1 for the YAML loaders: each example file, mutated RUNS times (a value of the
 * wrong type, an unknown key, a key removed, broken YAML, a cut-off file, a huge value or file),
 * is loaded. The loader returns a definition or throws its DefinitionLoadError naming every
 * problem at `file:line:column` within the file (line 0 only for the whole file: too large);
 * any other throw is a crash and fails. Broken YAML and oversized files must be refused. The seed
 * is printed; POINTBOOK_FUZZ_SEED replays it, POINTBOOK_FUZZ_RUNS changes the count.
 */

const seed = Number(process.env.POINTBOOK_FUZZ_SEED ?? Date.now() % 2 ** 31);
const runs = Number(process.env.POINTBOOK_FUZZ_RUNS ?? 300);
const root = mkdtempSync(join(tmpdir(), 'pointbook-fuzz-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Loader {
  name: string;
  example: string;
  /** Where the mutated text is written, so the loader finds it as it would a real one. */
  target: string;
  load(file: string): unknown;
}

const loaders: Loader[] = [
  { name: 'program', example: 'examples/programs/sony-rewards/program.yaml', target: 'programs/sony-rewards/program.yaml', load: loadProgramFile },
  { name: 'campaign', example: 'examples/programs/flets-club/campaigns/hikari-welcome-2026.yaml', target: 'campaigns/hikari-welcome-2026.yaml', load: (file) => loadCampaignFile(file, 'flets-club') },
  {
    name: 'sweepstakes',
    example: 'examples/programs/sonet/sweepstakes/status-up-present.yaml',
    target: 'sonet/sweepstakes/status-up-present.yaml',
    load: (file) => loadSweepstakesOf({ key: 'sonet', sourceFile: join(dirname(dirname(file)), 'program.yaml'), pointValue: { points: 1, amountMinor: 1 } }),
  },
  { name: 'simulator scenario', example: 'examples/scenarios/fl-4-bill-credit-cap.yaml', target: 'scenarios/fl-4-bill-credit-cap.yaml', load: loadScenarioFile },
];

type Mutation = { kind: 'wrong type' | 'unknown key' | 'key removed' | 'cut off' | 'huge value' | 'broken yaml' | 'huge file'; text: string };
const mustRefuse = new Set<Mutation['kind']>(['broken yaml', 'huge file']);

/** Paths of every scalar and every map of a document, for mutations to aim at. */
function nodePaths(doc: Document): { scalars: (string | number)[][]; maps: (string | number)[][] } {
  const scalars: (string | number)[][] = [];
  const maps: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isScalar(node)) scalars.push(path);
    if (isMap(node)) {
      maps.push(path);
      for (const pair of node.items) walk(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
    }
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
  };
  walk(doc.contents, []);
  return { scalars, maps };
}

const wrongValues: readonly unknown[] = [{ k1: 1 }, [1, 'two'], 'k1-text', -1.5, 1e309, null, true, ''];
const brokenLines = ['\t- tab indented', 'k1: [unclosed', '"unterminated', '{ k1: 1', 'k1: *noanchor', 'k1: !!binary "%%%"', 'k1: 1\nk1: 2', '- item at the top of a map'];

function mutations(text: string): fc.Arbitrary<Mutation> {
  const lines = text.split('\n');
  const { scalars, maps } = nodePaths(parseDocument(text));
  const at = (change: (doc: Document) => void) => {
    const doc = parseDocument(text);
    change(doc);
    return String(doc);
  };
  return fc.oneof(
    fc.tuple(fc.constantFrom(...scalars), fc.constantFrom(...wrongValues)).map(([path, value]): Mutation => ({ kind: 'wrong type', text: at((doc) => doc.setIn(path, doc.createNode(value))) })),
    fc.tuple(fc.constantFrom(...maps), fc.constantFrom('k1Unknown', 'balance', 'Key', 'id ')).map(([path, key]): Mutation => ({ kind: 'unknown key', text: at((doc) => doc.setIn([...path, key], 1)) })),
    fc.constantFrom(...scalars).map((path): Mutation => ({ kind: 'key removed', text: at((doc) => doc.deleteIn(path)) })),
    fc.tuple(fc.nat({ max: lines.length }), fc.constantFrom(...brokenLines)).map(([line, broken]): Mutation => ({ kind: 'broken yaml', text: [...lines.slice(0, line), broken, ...lines.slice(line)].join('\n') })),
    fc.nat({ max: text.length - 1 }).map((cut): Mutation => ({ kind: 'cut off', text: text.slice(0, cut) })),
    fc.constantFrom(...scalars).map((path): Mutation => ({ kind: 'huge value', text: at((doc) => doc.setIn(path, 'ｘ'.repeat(20_000))) })),
    fc.constant<Mutation>({ kind: 'huge file', text: `${text}\n# ${'x'.repeat(300_000)}\n` }),
  );
}

function assertLocated(problem: DefinitionLoadProblem, file: string, text: string, said: string): void {
  assert.ok(problem.file === file || file.startsWith(problem.file), `${said}: names the file: ${problem.file}`);
  if (problem.line === 0) {
    assert.equal(problem.column, 0, `${said}: a whole-file problem has no column`);
    return;
  }
  assert.ok(problem.line >= 1 && problem.line <= text.split('\n').length + 1, `${said}: line ${problem.line} is in the file`);
  assert.ok(problem.column >= 1, `${said}: column ${problem.column}`);
}

describe('definition loaders refuse generated bad files with located problems, never crash (K1)', () => {
  for (const loader of loaders) {
    it(`${loader.name}: ${runs} mutations of ${loader.example}`, (t) => {
      t.diagnostic(`K1 loader seed ${seed} (POINTBOOK_FUZZ_SEED=${seed} replays it)`);
      const file = join(root, loader.target);
      mkdirSync(dirname(file), { recursive: true });
      cpSync(loader.example, file);
      const text = readFileSync(loader.example, 'utf8');
      assert.doesNotThrow(() => loader.load(file), 'the example itself loads');
      const outcomes: Record<string, number> = {};
      fc.assert(
        fc.property(mutations(text), (mutation) => {
          writeFileSync(file, mutation.text);
          const said = `${loader.name}, ${mutation.kind}`;
          try {
            loader.load(file);
            assert.ok(!mustRefuse.has(mutation.kind), `${said}: loaded a file it must refuse`);
            outcomes[`${mutation.kind}: loaded`] = (outcomes[`${mutation.kind}: loaded`] ?? 0) + 1;
          } catch (error) {
            if (!(error instanceof DefinitionLoadError)) throw new Error(`${said}: crashed instead of refusing: ${String(error)}`, { cause: error });
            assert.ok(error.errors.length > 0, `${said}: names a problem`);
            for (const problem of error.errors) assertLocated(problem, file, mutation.text, `${said}: ${problem.message}`);
            outcomes[`${mutation.kind}: refused`] = (outcomes[`${mutation.kind}: refused`] ?? 0) + 1;
          }
        }),
        { seed, numRuns: runs, endOnFailure: true },
      );
      t.diagnostic(JSON.stringify(outcomes));
      const refused = Object.entries(outcomes).filter(([k]) => k.endsWith('refused')).reduce((sum, [, n]) => sum + n, 0);
      // Most mutations break a rule; a suite that refused almost nothing would be testing nothing.
      assert.ok(refused >= runs / 2, `${refused} of ${runs} refused`);
    });
  }
});
