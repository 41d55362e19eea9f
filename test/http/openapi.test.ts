import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeApi } from '../support/api.js';

// The outside contract (issue 2): these paths and methods must stay in the OpenAPI document.
const contract = [
  ['get', '/health'],
  ['get', '/v1/programs'],
  ['post', '/v1/programs/{program}/members'],
  ['get', '/v1/members/{id}'],
  ['post', '/v1/members/{id}/adjustments'],
  ['get', '/v1/members/{id}/balance'],
  ['get', '/v1/members/{id}/transactions'],
  ['post', '/v1/test-clock'],
  // issue 3
  ['post', '/v1/programs/{program}/events'],
  ['post', '/v1/members/{id}/links'],
  ['get', '/v1/members/{id}/memberships'],
  ['get', '/v1/members/{id}/contracts'],
  ['get', '/v1/members/{id}/status'],
  ['post', '/v1/programs/{program}/jobs/{job}/runs'],
  ['get', '/v1/programs/{program}/jobs/runs'],
  // issue 4 (redemption)
  ['post', '/v1/members/{id}/redemptions'],
  ['get', '/v1/members/{id}/redemptions'],
  ['post', '/v1/members/{id}/redemptions/{redemptionId}/refunds'],
  ['post', '/v1/members/{id}/step-up-keys'],
  ['get', '/v1/programs/{program}/rewards'],
  // issue 5 (campaigns)
  ['get', '/v1/programs/{program}/campaigns'],
  ['post', '/v1/campaigns/{campaign}/eligibility'],
  ['post', '/v1/campaigns/{campaign}/applications'],
  ['get', '/v1/campaigns/{campaign}/applications/{applicationId}'],
  ['get', '/v1/members/{id}/benefits'],
  // issue 8 (finance)
  ['get', '/v1/programs/{program}/liability'],
];

describeApi('OpenAPI document', (ctx) => {
  it('serves the contract paths at /docs/json, each with its problem responses', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const [method, path] of contract) {
      const operation = doc.paths[path as string]?.[method as string];
      assert.ok(operation, `${method} ${path} is documented`);
      if (path !== '/health') assert.ok(operation.responses['401'], `${method} ${path} documents 401`);
    }
    for (const path of ['/v1/programs/{program}/events', '/v1/programs/{program}/members']) {
      const body = doc.paths[path].post.requestBody.content['application/json'];
      assert.ok(body.schema.examples?.length || body.examples || body.example, `${path} has an example`);
    }
    // The liability report: from and to are required months, and the one 200 is JSON or CSV.
    const liability = doc.paths['/v1/programs/{program}/liability'].get;
    const query = liability.parameters.filter((p: { in: string }) => p.in === 'query');
    assert.deepEqual(query.map((p: { name: string; required: boolean; schema: { pattern: string } }) => [p.name, p.required, p.schema.pattern]), [
      ['from', true, '^\\d{4}-(0[1-9]|1[0-2])$'],
      ['to', true, '^\\d{4}-(0[1-9]|1[0-2])$'],
    ]);
    assert.deepEqual(Object.keys(liability.responses['200'].content), ['application/json', 'text/csv']);
    assert.deepEqual(Object.keys(liability.responses).sort(), ['200', '400', '401', '403', '404']);
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
  });
});
