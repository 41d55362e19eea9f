import { Type } from 'typebox';
import { issueStepUpKey, listRedemptions, listRewards, redeem, refund, type Redemption, type RewardListing } from '../../redemption/index.js';
import { keyDeliveryFor } from '../../accounts/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { fromTrustedLine, memberWithProgram, programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, IdempotencyKeyHeader, Instant, MemberIdParams, nullable, responses } from '../schemas.js';
import { PostalAddressSchema } from './member-views.js';

const MAX_POINTS = 1_000_000_000_000;

const MoneySchema = Type.Object(
  { amountMinor: Type.Integer({ minimum: 0, maximum: MAX_POINTS, description: 'Minor units (cents; yen have none)' }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) },
  closed,
);
const Kind = Type.Union([Type.Literal('bill_credit'), Type.Literal('catalog'), Type.Literal('checkout')]);

const RedemptionBody = Type.Object(
  {
    kind: Kind,
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS, description: 'bill_credit and checkout: the points to spend, a multiple of the step' })),
    rewardId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'catalog: the reward (GET /v1/programs/{program}/rewards)' })),
    orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description: 'checkout: the order the points pay for' })),
    orderTotal: Type.Optional({ ...MoneySchema, description: 'checkout: the order total; points pay at most this, over all payments of the order' }),
    stepUpKey: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'FL-5: a key from POST /v1/members/{id}/step-up-keys, when not on the registered line' })),
    shippingAddress: Type.Optional({ ...PostalAddressSchema, description: "catalog: where to ship; default the member's registered postal address" }),
  },
  {
    ...closed,
    examples: [
      { kind: 'bill_credit', points: 3000 },
      { kind: 'catalog', rewardId: 'tumbler', stepUpKey: '042917' },
      { kind: 'checkout', points: 1250, orderId: 'SO-20141203-0042', orderTotal: { amountMinor: 5999, currency: 'USD' } },
    ],
  },
);

const RedemptionFields = {
  id: Type.String({ description: 'rdm_…' }),
  kind: Kind,
  points: Type.Integer(),
  value: { ...MoneySchema, description: 'What the points are worth (pointValue): the bill credit, the discount, the reward' },
  refundedPoints: Type.Integer({ description: 'SR-5: points given back so far' }),
  transactionId: Type.String({ description: 'The ledger debit' }),
  billingMonth: nullable(Type.String({ description: 'FL-4: the billing month credited (program time zone)' })),
  contractId: nullable(Type.String({ description: 'FL-4: the contract (line) credited, when known' })),
  rewardId: nullable(Type.String()),
  orderId: nullable(Type.String()),
  fulfilment: nullable(Type.Object({ status: Type.String({ description: 'requested, shipped, delivered, cancelled' }), shippingAddress: nullable(PostalAddressSchema) })),
  stepUp: Type.Union([Type.Literal('not_required'), Type.Literal('trusted_line'), Type.Literal('key')], { description: 'FL-5: how the step-up was met' }),
  createdAt: Instant,
};
const RedemptionView = Type.Object(RedemptionFields);
const Balance = Type.Object({ available: Type.Integer(), pending: Type.Integer() }, { description: 'Right after this transaction' });
const ReceiptView = Type.Object(
  { ...RedemptionFields, balance: Balance },
  {
    examples: [
      {
        id: 'rdm_01jr7k3x5q9w8e2r4t6y8u0i1o',
        kind: 'bill_credit',
        points: 3000,
        value: { amountMinor: 3000, currency: 'JPY' },
        refundedPoints: 0,
        transactionId: 'txn_000631f0a2b3c4d5e6f7a8b9c0d1e2f3',
        billingMonth: '2026-04',
        contractId: 'FLT-0001',
        rewardId: null,
        orderId: null,
        fulfilment: null,
        stepUp: 'not_required',
        createdAt: '2026-04-10T01:00:00Z',
        balance: { available: 2000, pending: 0 },
      },
    ],
  },
);

const RefundView = Type.Object(
  {
    id: Type.String({ description: 'rfd_…' }),
    redemptionId: Type.String(),
    points: Type.Integer(),
    value: MoneySchema,
    refundedPoints: Type.Integer({ description: 'Points refunded on the redemption so far, this refund included' }),
    transactionId: Type.String({ description: 'The ledger reversal' }),
    balance: Balance,
    createdAt: Instant,
  },
  {
    examples: [
      {
        id: 'rfd_01jr7m0c2v4b6n8m0q2w4e6r8t',
        redemptionId: 'rdm_01jr7k3x5q9w8e2r4t6y8u0i1o',
        points: 500,
        value: { amountMinor: 500, currency: 'USD' },
        refundedPoints: 500,
        transactionId: 'txn_000631f0b7c8d9e0f1a2b3c4d5e6f7a8',
        balance: { available: 1500, pending: 0 },
        createdAt: '2014-12-05T18:00:00Z',
      },
    ],
  },
);

const rewardExample = {
  id: 'tumbler',
  names: { ja: 'オリジナル ステンレスタンブラー', en: 'Stainless tumbler' },
  points: 1500,
  value: { amountMinor: 1500, currency: 'JPY' },
  kind: 'item',
  shipping: 'required',
  stock: 200,
  stockLeft: 187,
};
const RewardView = Type.Object(
  {
    id: Type.String(),
    names: Type.Object({ ja: Type.String(), en: Type.String() }),
    points: Type.Integer(),
    value: MoneySchema,
    kind: Type.Union([Type.Literal('item'), Type.Literal('service'), Type.Literal('experience')]),
    shipping: Type.Union([Type.Literal('required'), Type.Literal('none')]),
    stock: nullable(Type.Integer({ description: 'Configured in all; null: unlimited' })),
    stockLeft: nullable(Type.Integer({ description: 'Still available; null: unlimited' })),
  },
  { examples: [rewardExample] },
);

const StepUpKeyView = Type.Object(
  {
    id: Type.String({ description: 'suk_…' }),
    expiresAt: Instant,
    key: Type.Optional(Type.String({ description: 'Only from a server run with --test-clock: the key is otherwise for the member alone' })),
  },
  { examples: [{ id: 'suk_01jr7k2a4s6d8f0g2h4j6k8l0z', expiresAt: '2026-04-10T01:10:00Z' }] },
);

const RedemptionParams = Type.Object({ ...MemberIdParams.properties, redemptionId: Type.String({ minLength: 1, maxLength: 64, description: 'rdm_…' }) });
const RefundBody = Type.Object(
  { points: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS, description: 'Default: every point not yet refunded' })) },
  { ...closed, examples: [{ points: 500 }, {}] },
);

function toRedemptionView(r: Redemption) {
  return { ...r, createdAt: r.createdAt.toString() };
}

function toRewardView({ reward, value, stockLeft }: RewardListing) {
  return { ...reward, value, stock: reward.stock ?? null, stockLeft };
}

/**
 * FL-5: the gateway vouches that a request comes from the member's registered line by setting the
 * program's `trustedHeader` to `true`. It must strip that header from what clients send.
 */
export function redemptionRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/members/:id/redemptions',
    {
      schema: {
        tags: ['redemption'],
        summary: 'Redeem points: bill credit, catalog reward or checkout payment',
        description:
          'FL-3..FL-6, SR-5. Debits the points and records what for. `bill_credit`: `points` in steps, at most the monthly cap per billing month. ' +
          "`catalog`: `rewardId`; a shipped reward goes to `shippingAddress` or the member's registered address. `checkout`: `points`, `orderId` and " +
          "`orderTotal`; points pay at most the order total. Kinds the program's `redemption.stepUp.required` lists need the member's registered line " +
          "(the gateway sets the program's trusted header, e.g. `X-Pointbook-Trusted-Line: true`, and strips it from client requests) or a `stepUpKey`. " +
          'Refusals, in order: 400, 404, redemption_not_offered, unknown_reward, invalid_step, currency_mismatch, over_limit (this request alone), ' +
          'shipping_address_required, 409/422 idempotency, step_up_required, over_limit (with earlier redemptions), out_of_stock, insufficient_points; ' +
          'none writes anything (a wrong step-up key counts a failure). ' +
          'A retry with the same Idempotency-Key gets the first 201 again.',
        params: MemberIdParams,
        headers: Type.Object({ 'idempotency-key': IdempotencyKeyHeader }),
        body: RedemptionBody,
        response: responses({ 201: ReceiptView }, [400, 401, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const { receipt } = await redeem(
        deps.db,
        { program, member, request: request.body, idempotencyKey: request.headers['idempotency-key'], trustedLine: fromTrustedLine(program, request) },
        { now: deps.clock.now(), actor: actorOf(request) },
      );
      return reply.code(201).send(receipt);
    },
  );

  app.get(
    '/v1/members/:id/redemptions',
    {
      schema: {
        tags: ['redemption'],
        summary: 'Redemptions, newest first',
        params: MemberIdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) },
          closed,
        ),
        response: responses(
          { 200: Type.Object({ items: Type.Array(RedemptionView), nextCursor: nullable(Type.String()) }, { examples: [{ items: [], nextCursor: null }] }) },
          [400, 401, 404],
        ),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      const before = decodeCursor(request.query.cursor, /^rdm_[0-9a-z]{26}$/);
      const page = await keysetPage(request.query.limit ?? 50, (limit) => listRedemptions(deps.db, member.id, { limit, before }));
      return { items: page.items.map(toRedemptionView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/members/:id/redemptions/:redemptionId/refunds',
    {
      schema: {
        tags: ['redemption'],
        summary: 'Refund the points of a checkout payment (order cancelled or returned)',
        description:
          'SR-5: gives back `points` (default: all not yet refunded) of a checkout redemption; the ledger reverses that much of its debit. ' +
          'Refusals, in order: 400, 404, not_refundable, exceeds_original, invalid_step. A retry with the same Idempotency-Key gets the first 201 again.',
        params: RedemptionParams,
        headers: Type.Object({ 'idempotency-key': IdempotencyKeyHeader }),
        body: RefundBody,
        response: responses({ 201: RefundView }, [400, 401, 404, 409, 422]),
      },
      // No body at all means "refund everything left", like an empty one.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const { receipt } = await refund(
        deps.db,
        { program, memberId: member.id, redemptionId: request.params.redemptionId, points: request.body.points, idempotencyKey: request.headers['idempotency-key'] },
        { now: deps.clock.now(), actor: actorOf(request) },
      );
      return reply.code(201).send(receipt);
    },
  );

  app.post(
    '/v1/members/:id/step-up-keys',
    {
      schema: {
        tags: ['redemption'],
        summary: 'Issue a one-time step-up key (FL-5)',
        description:
          'A six-digit key, valid for the program\'s `keyValidMinutes` (10), used once; a new key revokes the earlier one. Only its SHA-256 is kept. ' +
          "It is emailed to the member (their log-in's email, else the one on record; none is 422 no_email). The response carries the key " +
          'only from a server run with --test-clock (for tests and simulator scenarios, never production: anyone who can move a test clock can do anything).',
        params: MemberIdParams,
        response: responses({ 201: StepUpKeyView }, [401, 403, 404, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const delivery = await keyDeliveryFor(deps.db, program, member);
      const issued = await issueStepUpKey(deps.db, program, member.id, delivery, { now: deps.clock.now(), actor: actorOf(request) });
      const view = { id: issued.id, expiresAt: issued.expiresAt.toString() };
      return reply.code(201).send(deps.testClock ? { ...view, key: issued.key } : view);
    },
  );

  app.get(
    '/v1/programs/:program/rewards',
    {
      schema: {
        tags: ['redemption'],
        summary: 'The catalog, with stock left (FL-3)',
        params: Type.Object({ program: Type.String({ maxLength: 64 }) }),
        response: responses({ 200: Type.Object({ items: Type.Array(RewardView) }, { examples: [{ items: [rewardExample] }] }) }, [401, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      return { items: (await listRewards(deps.db, program)).map(toRewardView) };
    },
  );
}
