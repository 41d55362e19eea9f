import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { accessTable } from '../../src/http/access.js';
import { describeApi, TOKEN } from '../support/api.js';
import { changedRows, databaseRows } from '../support/database-fingerprint.js';
import { documentedOperations } from '../support/openapi-operations.js';
import { invalidRequests, type GeneratedRequest } from '../support/openapi-requests.js';
import { givenMemberLogIn, type MemberLogIn } from '../support/principals.js';

/**
 * RELIABILITY.md K1: every documented operation gets RUNS generated requests with at least one
 * part clearly invalid (test/support/openapi-requests.ts). Each must be refused with a 4xx
 * problem+json whose `code` docs/errors.md lists, and no table may change (every row of every
 * table compared before and after each operation's run). The seed is printed;
 * POINTBOOK_FUZZ_SEED replays a run; POINTBOOK_FUZZ_RUNS sets the count per operation: 250 on PGlite
 * and a sample of 50 on PostgreSQL (same code, another driver) in npm test, 1,000 in
 * npm run test:nightly, so the whole suite stays within its time (decision 69).
 */

const seed = Number(process.env.POINTBOOK_FUZZ_SEED ?? Date.now() % 2 ** 31);
const runsOn = (backend: string) => Number(process.env.POINTBOOK_FUZZ_RUNS ?? (backend === 'pglite' ? 250 : 50));

/** The codes docs/errors.md documents, with their statuses. */
const documentedCodes = new Map([...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gmu)].map((m) => [m[1] as string, Number(m[2])]));

// Ids of the right shape that name nothing: valid path values for the parts not being broken.
const ghost = (prefix: string) => `${prefix}_${'0'.repeat(26)}`;

describeApi('bad input: generated invalid requests to every documented operation (K1)', (ctx) => {
  let member: MemberLogIn | undefined;
  const requestCounts = new Map<string, number>();

  before(async () => {
    member = await givenMemberLogIn(ctx, 'flets-club', { name: 'Kei Fuzz', email: 'kei.fuzz@example.jp' });
  });

  it('refuses every generated invalid request with a documented problem and writes nothing', async (t) => {
    assert.ok(member);
    const runs = runsOn(ctx.backend);
    t.diagnostic(`K1 seed ${seed} (POINTBOOK_FUZZ_SEED=${seed} replays it), ${runs} requests per operation`);
    const pathValues: Record<string, string> = {
      id: member.memberId,
      program: member.program,
      campaign: 'hikari-welcome-2026',
      key: 'status-up-present',
      period: '2024-04',
      job: 'expire',
      redemptionId: ghost('rdm'),
      signupId: ghost('sgn'),
      webhookId: ghost('whk'),
      deliveryId: ghost('whd'),
      reportId: ghost('crp'),
      applicationId: ghost('cap'),
      entryId: ghost('swe'),
      drawId: ghost('swd'),
      operatorId: ghost('opr'),
    };
    for (const operation of documentedOperations(ctx.app)) {
      // Routes only members may call (the API token may not) get member A's session.
      const access = accessTable[operation.route];
      assert.ok(access, `${operation.route} has a row in the role table`);
      const token = 'adminAllowed' in access && access.adminAllowed === false ? member.token : TOKEN;
      const before = await databaseRows(ctx.db);
      const clockBefore = ctx.clock.now().toString();
      let count = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(invalidRequests(operation, { pathValues, token, open: 'public' in access }), async (request) => {
          count += 1;
          assertRefused(request, await ctx.app.inject(request));
        }),
        { seed, numRuns: runs, endOnFailure: true },
      );
      requestCounts.set(operation.route, count);
      if (process.env.POINTBOOK_FUZZ_TIMES) t.diagnostic(`${operation.route}: ${count} in ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(changedRows(before, await databaseRows(ctx.db)), {}, `${operation.route}: invalid requests changed no row`);
      assert.equal(ctx.clock.now().toString(), clockBefore, `${operation.route}: invalid requests did not move the clock`);
    }
  });

  it(`sent the full count to every documented operation`, () => {
    const operations = documentedOperations(ctx.app);
    assert.ok(operations.length >= 70, `${operations.length} operations documented`);
    for (const operation of operations) assert.equal(requestCounts.get(operation.route), runsOn(ctx.backend), operation.route);
  });
});

function assertRefused(request: GeneratedRequest, response: LightMyRequestResponse): void {
  const said = () => `${request.method} ${request.url.slice(0, 300)} (broken: ${request.broken.join(', ')}) → ${response.statusCode} ${response.body.slice(0, 400)}`;
  assert.ok(response.statusCode >= 400 && response.statusCode < 500, `a 4xx: ${said()}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/u, `problem+json: ${said()}`);
  const problem = response.json<{ code?: unknown; status?: unknown }>();
  const status = documentedCodes.get(String(problem.code));
  assert.ok(status !== undefined, `a code docs/errors.md lists: ${said()}`);
  assert.equal(response.statusCode, status, `the code's documented status: ${said()}`);
  assert.equal(problem.status, response.statusCode, `status member equals the HTTP status: ${said()}`);
}
