import { Type, type Static, type TSchema } from 'typebox';

/**
 * The events upstream systems send, by type. The envelope is checked by the HTTP schema; each
 * type's `data` is checked here, event by event, so one malformed event is rejected alone.
 * Money is in minor units (cents, yen).
 */
const Money = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
const Id = Type.String({ minLength: 1, maxLength: 200 });

const OrderLine = Type.Object(
  {
    sku: Id,
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unitPrice: Money,
    tax: Type.Optional(Money),
    shipping: Type.Optional(Money),
    fees: Type.Optional(Money),
    category: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
/** A line's user or holder: the carrier's person id and, for the user, the birth date (GG-1). */
const LinePerson = Type.Object(
  { personId: Id, birthDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) },
  { additionalProperties: false },
);
const LineQuantity = Type.Object({ sku: Id, quantity: Type.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false });

export const eventData = {
  'order.placed': Type.Object(
    { orderId: Id, currency: Type.String({ pattern: '^[A-Z]{3}$' }), lines: Type.Array(OrderLine, { minItems: 1, maxItems: 500 }) },
    { additionalProperties: false },
  ),
  'order.shipped': Type.Object({ orderId: Id, lines: Type.Optional(Type.Array(LineQuantity, { minItems: 1, maxItems: 500 })) }, { additionalProperties: false }),
  'order.cancelled': Type.Object({ orderId: Id }, { additionalProperties: false }),
  'order.returned': Type.Object({ orderId: Id, lines: Type.Optional(Type.Array(LineQuantity, { minItems: 1, maxItems: 500 })) }, { additionalProperties: false }),
  'contract.started': contract(),
  'contract.changed': contract(),
  'contract.cancelled': contract(),
  'contract.converted': contract(),
  'bill.issued': Type.Object(
    {
      billingMonth: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
      total: Type.Object({ amount: Type.Integer({ minimum: -1_000_000_000_000, maximum: 1_000_000_000_000 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) }, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
  'member.left': Type.Object({}, { additionalProperties: false }),
  'partner.earned': Type.Object(
    { partner: Id, points: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), reference: Id },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

function contract() {
  return Type.Object(
    {
      contractId: Id,
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      plan: Type.Optional(Type.String({ maxLength: 100 })),
      services: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
      commitmentDiscount: Type.Optional(Type.Boolean()),
      inService: Type.Optional(Type.Boolean()),
      familyGroup: Type.Optional(Type.String({ maxLength: 100 })),
      attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      // #5: what campaigns need to know of a line (members/line.ts).
      user: Type.Optional(LinePerson),
      holder: Type.Optional(LinePerson),
      device: Type.Optional(
        Type.Object({ purchased: Type.Boolean(), network: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })) }, { additionalProperties: false }),
      ),
      origin: Type.Optional(Type.Union([Type.Literal('new'), Type.Literal('mnp'), Type.Literal('upgrade')])),
      corporate: Type.Optional(Type.Boolean()),
      sharedDataRole: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('parent'), Type.Literal('child')])),
      discounts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
    },
    { additionalProperties: false },
  );
}

export type EventType = keyof typeof eventData;
export const eventTypes = Object.keys(eventData) as EventType[];
export type EventData<T extends EventType> = Static<(typeof eventData)[T]>;

export const MemberRef = Type.Union([
  Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
  Type.Object(
    { link: Type.Object({ system: Type.String({ minLength: 1, maxLength: 64 }), accountId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
]);

export const EventEnvelope = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, description: 'Unique per event: a resend with the same id is a duplicate' }),
    type: Type.String({ minLength: 1, maxLength: 64, description: eventTypes.join(' | ') }),
    member: MemberRef,
    occurredAt: Type.String({ format: 'date-time' }),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type EventEnvelope = Static<typeof EventEnvelope>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventData, type);
}
