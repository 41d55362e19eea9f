import { Temporal } from 'temporal-polyfill';
import { applyEvents, type EventResult } from '../../src/earning/events/apply.js';
import type { EventEnvelope } from '../../src/earning/events/types.js';
import type { BenchContext, WorkloadResult } from '../context.js';
import { callsPerSide, compareInRounds, HTTP_PROGRAM, type HttpApp } from '../http-app.js';
import { memberPicker } from '../random.js';
import { httpResult } from './http-result.js';

const PARTNER = 'sony-card';

function label(result: EventResult | undefined): string {
  if (!result) return 'missing';
  return result.status === 'rejected' ? `rejected:${result.code ?? ''}` : result.status;
}

/**
 * W1 through HTTP: one `partner.earned` event (SR-7: one credit, W1's earn) per request to
 * POST /v1/programs/sony-rewards/events, `concurrency` requests at a time over keep-alive sockets,
 * against its in-process twin in the same run: `applyEvents` with the same event, on the database
 * and in the audit scope the route's handler gets, so both write the same rows (member event,
 * journal, postings, lot, audit row) and the ratio is what the API adds: routing, auth, schema
 * validation, serialization, HTTP and the client.
 */
export async function earnOverHttp(ctx: BenchContext, http: HttpApp): Promise<WorkloadResult> {
  const { sizes, runId } = ctx;
  const pick = memberPicker(sizes.httpMembers, sizes.zipf, 11);
  const url = `${http.baseUrl}/v1/programs/${HTTP_PROGRAM}/events`;
  const headers = { ...http.headers, 'content-type': 'application/json' };
  const event = (tag: string, i: number): EventEnvelope => ({
    id: `w1h:${runId}:${tag}:${i}`,
    type: 'partner.earned',
    member: { externalId: http.member(pick()).externalId },
    occurredAt: Temporal.Now.instant().toString(),
    data: { partner: PARTNER, points: 10 + (i % 90), reference: `ref-${tag}-${i}` },
  });
  const compared = await compareInRounds(
    sizes.concurrency,
    sizes.httpEarnOps,
    (tag) => async (i) => {
      const [result] = await http.inProcess('POST /v1/programs/:program/events', [HTTP_PROGRAM], (db) =>
        applyEvents(db, http.program, [event(`in-${tag}`, i)], { now: Temporal.Now.instant(), actor: 'operator:admin-token' }),
      );
      return label(result);
    },
    (tag) => async (i) => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ events: [event(`http-${tag}`, i)] }) });
      if (response.status !== 200) {
        await response.arrayBuffer();
        return `http:${response.status}`;
      }
      const body = (await response.json()) as { results: EventResult[] };
      return label(body.results[0]);
    },
  );
  return httpResult({
    id: 'W1-HTTP',
    title: `earn: 1 partner.earned event per POST …/events, ${sizes.concurrency} concurrent, fetch over 127.0.0.1`,
    compared,
    calls: callsPerSide(sizes.httpEarnOps),
    twin: 'applyEvents in-process',
    expected: ['applied'],
    members: sizes.httpMembers,
    seedMs: http.seedMs,
  });
}
