import { Type } from 'typebox';
import { applyEvents } from '../../earning/events/apply.js';
import { EventEnvelope } from '../../earning/events/types.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { programOrRefuse } from '../lookups.js';
import { responses } from '../schemas.js';

const EventResult = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('duplicate'), Type.Literal('rejected')]),
  code: Type.Optional(Type.String({ description: 'Why it was rejected (docs/errors.md)' })),
  message: Type.Optional(Type.String()),
  points: Type.Optional(Type.Integer({ description: "Net change to the member's points (available and pending)" })),
});

const example = {
  events: [
    {
      id: 'evt-1001',
      type: 'order.placed',
      member: { link: { system: 'sony-store', accountId: 'S-42' } },
      occurredAt: '2014-12-01T10:00:00-08:00',
      data: { orderId: 'O-1', currency: 'USD', lines: [{ sku: 'TV-55', quantity: 1, unitPrice: 49999, tax: 4500, shipping: 1500 }] },
    },
    { id: 'evt-1002', type: 'order.shipped', member: { externalId: 'C-1001' }, occurredAt: '2014-12-03T09:00:00-08:00', data: { orderId: 'O-1' } },
  ],
};

export function eventRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/programs/:program/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Send events from upstream systems (a batch)',
        description:
          'Each event is idempotent by its id: a resend is `duplicate` and changes nothing. A rejected event says why and changes nothing; the others still apply. Types: order.placed, order.shipped, order.cancelled, order.returned, contract.started, contract.changed, contract.cancelled, contract.converted, bill.issued, member.left, partner.earned. Money is in minor units.',
        params: Type.Object({ program: Type.String() }),
        body: Type.Object({ events: Type.Array(EventEnvelope, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false, examples: [example] }),
        response: responses({ 200: Type.Object({ results: Type.Array(EventResult) }) }, [400, 401, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const results = await applyEvents(deps.db, program, request.body.events, { now: deps.clock.now(), actor: actorOf(request) });
      return { results };
    },
  );
}
