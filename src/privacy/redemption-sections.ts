import { Type } from 'typebox';
import { allRedemptionsOf, refundsOf, stepUpFailuresOf, stepUpKeysOf } from '../redemption/index.js';
import { Instant, iso, isoOrNull, JsonObject, nullable, section } from './section.js';

/** redemption/: what the member spent points on, where it was shipped, refunds, and step-up keys (times only). */
export const redemptionsSection = section({
  name: 'redemptions',
  tables: ['redemptions', 'redemption_fulfilments', 'redemption_refunds'],
  schema: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      points: Type.Integer(),
      value: Type.Object({ amountMinor: Type.Integer(), currency: Type.String() }),
      transactionId: Type.String(),
      billingMonth: nullable(Type.String()),
      contractId: nullable(Type.String()),
      rewardId: nullable(Type.String()),
      orderId: nullable(Type.String()),
      fulfilment: nullable(Type.Object({ status: Type.String(), shippingAddress: nullable(JsonObject) })),
      createdAt: Instant,
      refunds: Type.Array(Type.Object({ id: Type.String(), points: Type.Integer(), amountMinor: Type.Integer(), transactionId: Type.String(), createdAt: Instant })),
    }),
  ),
  async read(q, person) {
    const refunds = await refundsOf(q, person.memberId);
    return (await allRedemptionsOf(q, person.memberId)).map((r) => ({
      id: r.id,
      kind: r.kind,
      points: r.points,
      value: r.value,
      transactionId: r.transactionId,
      billingMonth: r.billingMonth,
      contractId: r.contractId,
      rewardId: r.rewardId,
      orderId: r.orderId,
      fulfilment: r.fulfilment && { status: r.fulfilment.status, shippingAddress: r.fulfilment.shippingAddress ? { ...r.fulfilment.shippingAddress } : null },
      createdAt: iso(r.createdAt),
      refunds: refunds
        .filter((f) => f.redemptionId === r.id)
        .map((f) => ({ id: f.id, points: f.points, amountMinor: f.amountMinor, transactionId: f.transactionId, createdAt: iso(f.createdAt) })),
    }));
  },
});

export const stepUpSection = section({
  name: 'stepUp',
  tables: ['redemption_step_up_keys', 'redemption_step_up_failures'],
  schema: Type.Object({
    keys: Type.Array(Type.Object({ id: Type.String(), createdAt: Instant, expiresAt: Instant, usedAt: nullable(Instant), revokedAt: nullable(Instant) })),
    wrongKeysByDay: Type.Array(Type.Object({ day: Type.String(), failures: Type.Integer() })),
  }),
  async read(q, person) {
    const keys = await stepUpKeysOf(q, person.memberId);
    return {
      keys: keys.map((k) => ({ id: k.id, createdAt: iso(k.createdAt), expiresAt: iso(k.expiresAt), usedAt: isoOrNull(k.usedAt), revokedAt: isoOrNull(k.revokedAt) })),
      wrongKeysByDay: await stepUpFailuresOf(q, person.memberId),
    };
  },
});
