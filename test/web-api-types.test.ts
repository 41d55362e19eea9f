import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { apiTypes, apiTypesFile } from '../scripts/api-types.js';

it('web/src/api/schema.d.ts is generated from the current OpenAPI document (npm run api-types)', async () => {
  const current = readFileSync(apiTypesFile, 'utf8');
  assert.ok(current === (await apiTypes()), `${apiTypesFile} is stale: run \`npm run api-types\` and commit the file`);
});
