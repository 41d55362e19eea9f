import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import { getBalance, listTransactions, post, type LedgerOp, type LedgerTransaction } from '../../ledger/index.js';
import { expiresAtFor } from '../../programs/index.js';
import { publishPointsPosted } from '../../webhooks/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { memberOrRefuse, memberWithProgram } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { IdempotencyKeyHeader, Instant, MemberIdParams, responses } from '../schemas.js';

/** A bound on every amount (tigerbeetle: a limit on everything); far above any real adjustment. */
const MAX_POINTS = 1_000_000_000_000;

const AdjustmentBody = Type.Object(
  {
    points: Type.Integer({
      minimum: -MAX_POINTS,
      maximum: MAX_POINTS,
      description: 'Positive credits the member, negative debits; never 0',
    }),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; shown in the member history and the audit trail' }),
    expiresAt: Type.Optional({
      ...Instant,
      description: "For a credit: when these points expire (default: the program's expiry policy)",
    }),
  },
  { additionalProperties: false },
);

const BalanceView = Type.Object({
  available: Type.Integer(),
  pending: Type.Integer(),
  expiring: Type.Array(Type.Object({ points: Type.Integer(), expiresAt: Instant }), {
    description: 'Points still valid at asOf, by expiry, soonest first; points that never expire are not listed',
  }),
});

const AdjustmentView = Type.Object({
  transactionId: Type.String(),
  points: Type.Integer({ description: 'The signed adjustment' }),
  balance: Type.Object({ available: Type.Integer(), pending: Type.Integer() }, { description: 'Right after this transaction' }),
});

const TransactionView = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'earn, redeem, adjustment, expire, reverse, …' }),
  points: Type.Integer({ description: "Net change to the member's available points" }),
  pendingPoints: Type.Integer({ description: "Net change to the member's pending points" }),
  balanceAfter: Type.Integer({ description: 'Available points right after' }),
  time: Instant,
  recordedAt: Instant,
  reason: Type.Union([Type.String(), Type.Null()]),
  reverses: Type.Union([Type.String(), Type.Null()], { description: 'The transaction this one reverses or settles' }),
});

function toTransactionView(t: LedgerTransaction) {
  return {
    id: t.id,
    kind: t.kind,
    points: t.points,
    pendingPoints: t.pendingPoints,
    balanceAfter: t.availableAfter,
    time: t.occurredAt.toString(),
    recordedAt: t.recordedAt.toString(),
    reason: t.reason,
    reverses: t.reverses,
  };
}

export function pointsRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/members/:id/adjustments',
    {
      schema: {
        tags: ['points'],
        summary: "Adjust a member's points by hand",
        description:
          'A positive adjustment credits points that expire by the program policy (or expiresAt); a negative one debits, earliest expiry first, and never overdraws.',
        params: MemberIdParams,
        headers: Type.Object({ 'idempotency-key': IdempotencyKeyHeader }),
        body: AdjustmentBody,
        response: responses({ 201: AdjustmentView }, [400, 401, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const { points, reason, expiresAt } = request.body;
      if (points === 0) throw refusal('invalid_request', 'body.points: must not be 0');
      const now = deps.clock.now();
      const asked = { points, reason, expiresAt };
      const common = { member: member.id, key: request.headers['idempotency-key'], kind: 'adjustment', reason, actor: actorOf(request), asked };
      let op: LedgerOp;
      if (points > 0) {
        const expiry = expiresAt === undefined ? expiresAtFor(program, now) : Temporal.Instant.from(expiresAt);
        op = { ...common, op: 'credit', points, counter: 'program:adjusted', ...(expiry ? { expiresAt: expiry } : {}) };
      } else {
        if (expiresAt !== undefined) throw refusal('invalid_request', 'body.expiresAt: only a credit (positive points) has an expiry');
        op = { ...common, op: 'debit', points: -points, counter: 'program:adjusted' };
      }
      const type = points > 0 ? 'points.credited' : 'points.debited';
      const posted = await deps.db.transaction(async (tx) => {
        const result = await post(tx, op, now);
        await publishPointsPosted(tx, { program: program.key, type, memberId: member.id, kind: 'adjustment', posted: result }, { now, actor: common.actor });
        return result;
      });
      return reply.code(201).send({
        transactionId: posted.transactionId,
        points,
        balance: { available: posted.available, pending: posted.pending },
      });
    },
  );

  app.get(
    '/v1/members/:id/balance',
    {
      schema: {
        tags: ['points'],
        summary: 'Balance, pending points and points expiring',
        params: MemberIdParams,
        querystring: Type.Object({ asOf: Type.Optional({ ...Instant, description: 'Default now; not in the past' }) }, { additionalProperties: false }),
        response: responses({ 200: BalanceView }, [400, 401, 404]),
      },
    },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      const now = deps.clock.now();
      const asOf = request.query.asOf === undefined ? now : Temporal.Instant.from(request.query.asOf);
      if (Temporal.Instant.compare(asOf, now) < 0) {
        throw refusal('invalid_request', 'querystring.asOf: must not be in the past; the transactions list is the history');
      }
      const balance = await getBalance(deps.db, member.id, asOf);
      if (!balance) throw refusal('not_found', `Member ${member.id} has no points account`);
      return balance;
    },
  );

  app.get(
    '/v1/members/:id/transactions',
    {
      schema: {
        tags: ['points'],
        summary: 'Ledger transactions, newest first',
        params: MemberIdParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: responses(
          { 200: Type.Object({ items: Type.Array(TransactionView), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
          [400, 401, 404],
        ),
      },
    },
    async (request) => {
      const member = await memberOrRefuse(deps, request.params.id);
      const before = decodeCursor(request.query.cursor, /^txn_[0-9a-f]{32}$/);
      const page = await keysetPage(request.query.limit ?? 50, (limit) => listTransactions(deps.db, member.id, { limit, before }));
      return { items: page.items.map(toTransactionView), nextCursor: page.nextCursor };
    },
  );
}
