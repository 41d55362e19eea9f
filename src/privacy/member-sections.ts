import { Type } from 'typebox';
import { assert } from '../errors.js';
import { getMember, getStatus, listContracts, listLinks, listMemberships, listStatusChanges } from '../members/index.js';
import { Instant, iso, isoOrNull, JsonObject, nullable, section } from './section.js';

const PostalAddress = Type.Object({
  postalCode: Type.String(),
  region: Type.Optional(Type.String()),
  locality: Type.Optional(Type.String()),
  line1: Type.String(),
  line2: Type.Optional(Type.String()),
});

/** members/: the profile, the external id (members, member_directory), periods, contracts, links, status. */
export const profileSection = section({
  name: 'profile',
  tables: ['members', 'member_directory'],
  schema: Type.Object({
    id: Type.String(),
    program: Type.String(),
    externalId: Type.String({ description: 'erased:… once the member was erased' }),
    name: nullable(Type.String()),
    email: nullable(Type.String()),
    phone: nullable(Type.String()),
    birthDate: nullable(Type.String({ format: 'date' })),
    postalAddress: nullable(PostalAddress),
    country: nullable(Type.String()),
    attributes: JsonObject,
    joinedAt: Instant,
    createdAt: Instant,
  }),
  async read(q, person) {
    const member = await getMember(q, person.memberId);
    assert(member, 'the person is a member');
    return { ...member, joinedAt: iso(member.joinedAt), createdAt: iso(member.createdAt) };
  },
});

export const membershipsSection = section({
  name: 'memberships',
  tables: ['member_memberships'],
  schema: Type.Array(Type.Object({ startedAt: Instant, endedAt: nullable(Instant) })),
  async read(q, person) {
    return (await listMemberships(q, person.memberId)).map((p) => ({ startedAt: iso(p.startedAt), endedAt: isoOrNull(p.endedAt) }));
  },
});

export const contractsSection = section({
  name: 'contracts',
  tables: ['member_contracts'],
  schema: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      plan: nullable(Type.String()),
      services: Type.Array(Type.String()),
      commitmentDiscount: Type.Boolean(),
      inService: Type.Boolean(),
      status: Type.String(),
      startedAt: Instant,
      changedAt: nullable(Instant),
      endedAt: nullable(Instant),
      familyGroup: nullable(Type.String()),
      attributes: JsonObject,
      /** #5: what contract events said of the line — user and holder (person ids, birth dates), device, origin, shared-data role, discounts. */
      line: JsonObject,
    }),
  ),
  async read(q, person) {
    return (await listContracts(q, person.memberId)).map((c) => ({
      ...c,
      startedAt: iso(c.startedAt),
      changedAt: isoOrNull(c.changedAt),
      endedAt: isoOrNull(c.endedAt),
      line: { ...c.line },
    }));
  },
});

export const accountLinksSection = section({
  name: 'accountLinks',
  tables: ['member_links', 'link_directory'],
  schema: Type.Array(Type.Object({ system: Type.String(), accountId: Type.String(), linkedAt: Instant })),
  async read(q, person) {
    return (await listLinks(q, person.memberId)).map((l) => ({ system: l.system, accountId: l.accountId, linkedAt: iso(l.linkedAt) }));
  },
});

export const statusSection = section({
  name: 'status',
  tables: ['member_statuses', 'member_status_changes'],
  schema: Type.Object({
    tier: nullable(Type.String()),
    since: nullable(Instant),
    changes: Type.Array(Type.Object({ month: Type.String(), from: nullable(Type.String()), to: Type.String(), direction: Type.String(), changedAt: Instant })),
  }),
  async read(q, person) {
    const status = await getStatus(q, person.memberId);
    const changes = await listStatusChanges(q, person.memberId);
    return {
      tier: status?.tier ?? null,
      since: isoOrNull(status?.since),
      changes: changes.map((c) => ({ month: c.month, from: c.from, to: c.to, direction: c.direction, changedAt: iso(c.changedAt) })),
    };
  },
});
