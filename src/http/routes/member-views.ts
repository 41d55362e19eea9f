import { Type } from 'typebox';
import type { AccountLink, Contract, Member } from '../../members/index.js';
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
});

export function toContractView(c: Contract) {
  return { ...c, startedAt: c.startedAt.toString(), changedAt: c.changedAt?.toString() ?? null, endedAt: c.endedAt?.toString() ?? null };
}

export const LinkView = Type.Object({ system: Type.String(), accountId: Type.String(), linkedAt: Instant });

export function toLinkView(link: AccountLink) {
  return { ...link, linkedAt: link.linkedAt.toString() };
}
