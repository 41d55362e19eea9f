import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { refusals } from '../src/errors.js';

// fastify's practice: the error catalog and its documentation cannot drift apart.
it('docs/errors.md lists exactly the codes of src/errors.ts, with their statuses', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const documented = new Map(
    [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])] as const),
  );
  const catalog = new Map(Object.entries(refusals).map(([code, entry]) => [code, entry.status] as const));
  assert.deepEqual(Object.fromEntries(documented), Object.fromEntries(catalog));
});
