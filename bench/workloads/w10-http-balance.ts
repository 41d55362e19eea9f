import { Temporal } from 'temporal-polyfill';
import { getBalance } from '../../src/ledger/index.js';
import { getMember } from '../../src/members/index.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { callsPerSide, compareInRounds, type HttpApp } from '../http-app.js';
import { memberPicker } from '../random.js';
import { httpResult } from './http-result.js';

/**
 * W10 through HTTP: GET /v1/members/:id/balance (available, pending, points expiring by date),
 * `concurrency` requests at a time, against its in-process twin in the same run: what the route's
 * handler calls, `getMember` then `getBalance`, on the same database. A read writes no audit row.
 */
export async function readBalancesOverHttp(ctx: BenchContext, http: HttpApp): Promise<WorkloadResult> {
  const { sizes } = ctx;
  const pick = memberPicker(sizes.httpMembers, sizes.zipf, 12);
  const compared = await compareInRounds(
    sizes.concurrency,
    sizes.httpReadOps,
    () => async () => {
      const { id } = http.member(pick());
      return http.inProcess('GET /v1/members/:id/balance', [id], async (db) => {
        if (!(await getMember(db, id))) return 'no-member';
        const balance = await getBalance(db, id, Temporal.Now.instant());
        return balance && balance.expiring.length > 0 ? 'ok' : 'no-buckets';
      });
    },
    () => async () => {
      const response = await fetch(`${http.baseUrl}/v1/members/${http.member(pick()).id}/balance`, { headers: http.headers });
      if (response.status !== 200) {
        await response.arrayBuffer();
        return `http:${response.status}`;
      }
      const balance = (await response.json()) as { expiring: unknown[] };
      return balance.expiring.length > 0 ? 'ok' : 'no-buckets';
    },
  );
  return httpResult({
    id: 'W10-HTTP',
    title: `balance read: GET /v1/members/:id/balance, ${sizes.concurrency} concurrent, fetch over 127.0.0.1`,
    compared,
    calls: callsPerSide(sizes.httpReadOps),
    twin: 'getMember + getBalance in-process',
    expected: ['ok'],
    members: sizes.httpMembers,
    seedMs: http.seedMs,
  });
}
