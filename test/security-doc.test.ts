import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { roles } from '../src/accounts/index.js';
import { accessTable, type Access } from '../src/http/access.js';

function row(route: string, access: Access): string {
  if ('public' in access) return `| \`${route}\` | ${Array(5).fill('anyone').join(' | ')} |`;
  const member = access.member ? { self: 'own id', program: 'own program', any: 'yes', body: 'own (body)', owner: 'own (resource)' }[access.member] : '—';
  const cells = roles.map((role) =>
    role === 'admin' ? (access.adminAllowed === false ? '—' : 'yes') : access.roles.some((allowed) => allowed === role) ? 'yes' : '—',
  );
  return `| \`${route}\` | ${member} | ${cells.join(' | ')} |`;
}

it('docs/security.md prints the role table of src/http/access.ts, row for row', () => {
  const documented = readFileSync('docs/security.md', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  const expected = Object.entries(accessTable).map(([route, access]) => row(route, access));
  assert.deepEqual(documented, expected);
});
