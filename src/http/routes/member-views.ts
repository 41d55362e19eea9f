import { Type } from 'typebox';
import type { AccountLink, Contract, LinePerson, Member } from '../../members/index.js';
import { Instant, nullable } from '../schemas.js';

/** Response allow-lists for member data: nothing not named here is ever serialised. */
export const PostalAddressSchema = Type.Object(
  {
    postalCode: Type.String({ minLength: 1, maxLength: 16 }),
    region: Type.Optional(Type.String({ maxLength: 100, description: 'Prefecture or state' })),
    locality: Type.Optional(Type.String({ maxLength: 200 })),
    line1: Type.String({ minLength: 1, maxLength: 300 }),
    line2: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);


export const MemberView = Type.Object({
  id: Type.String({ description: 'mbr_…' }),
  externalId: Type.String(),
  program: Type.String(),
  name: nullable(Type.String()),
  email: nullable(Type.String()),
  phone: nullable(Type.String()),
  birthDate: nullable(Type.String({ format: 'date' })),
  postalAddress: nullable(PostalAddressSchema),
  country: nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  joinedAt: Instant,
  createdAt: Instant,
});

export function toMemberView(member: Member) {
  return { ...member, joinedAt: member.joinedAt.toString(), createdAt: member.createdAt.toString() };
}

/** A line's user or holder: the carrier's person id, and the birth date when upstream gave one (GG-1). */
const LinePersonView = Type.Object({
  personId: Type.String({ description: "The carrier's id of the person; one person may use lines of several members (GG-6, GG-11)" }),
  birthDate: nullable(Type.String({ format: 'date' })),
});

export const ContractView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  plan: nullable(Type.String()),
  services: Type.Array(Type.String()),
  commitmentDiscount: Type.Boolean(),
  inService: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('cancelled'), Type.Literal('converted')]),
  startedAt: Instant,
  changedAt: nullable(Instant),
  endedAt: nullable(Instant),
  familyGroup: nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  // #5: what contract events said of the line; null where upstream has said nothing yet.
  user: nullable(LinePersonView),
  holder: nullable(Type.Object(LinePersonView.properties, { description: 'The contract holder, when upstream named one (an under-12 user has a parent as holder)' })),
  device: nullable(Type.Object({ purchased: Type.Boolean({ description: 'Bought with this contract or upgrade (GG-2)' }), network: nullable(Type.String({ description: '4G, LTE, 3G…' })) })),
  origin: nullable(Type.Union([Type.Literal('new'), Type.Literal('mnp'), Type.Literal('upgrade')], { description: 'How the current contract began: a new number, a port-in (MNP) or a handset upgrade' })),
  originAt: nullable(Type.String({ format: 'date-time', description: 'When the contract of `origin` was made (GG-4 counts billing months from it)' })),
  corporate: nullable(Type.Boolean()),
  sharedDataRole: nullable(Type.Union([Type.Literal('none'), Type.Literal('parent'), Type.Literal('child')], { description: 'Role in a shared-data group (GG-5, GG-6)' })),
  discounts: nullable(Type.Array(Type.String(), { description: 'Other discounts applied to the line (GG-6)' })),
});

export function toContractView(c: Contract) {
  const { line, ...contract } = c;
  return {
    ...contract,
    startedAt: c.startedAt.toString(),
    changedAt: c.changedAt?.toString() ?? null,
    endedAt: c.endedAt?.toString() ?? null,
    user: line.user ? toLinePersonView(line.user) : null,
    holder: line.holder ? toLinePersonView(line.holder) : null,
    device: line.device ? { purchased: line.device.purchased, network: line.device.network ?? null } : null,
    origin: line.origin ?? null,
    originAt: line.originAt ?? null,
    corporate: line.corporate ?? null,
    sharedDataRole: line.sharedDataRole ?? null,
    discounts: line.discounts ?? null,
  };
}

const toLinePersonView = (p: LinePerson) => ({ personId: p.personId, birthDate: p.birthDate ?? null });

export const LinkView = Type.Object({ system: Type.String(), accountId: Type.String(), linkedAt: Instant });

export function toLinkView(link: AccountLink) {
  return { ...link, linkedAt: link.linkedAt.toString() };
}
