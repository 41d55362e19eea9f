import type { Temporal } from 'temporal-polyfill';
import type { MemberRow, PostalAddressRow } from './sql.js';

export type PostalAddress = PostalAddressRow;

export interface Member {
  id: string;
  externalId: string;
  program: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** 'YYYY-MM-DD' */
  birthDate: string | null;
  postalAddress: PostalAddress | null;
  /** ISO 3166-1 alpha-2 */
  country: string | null;
  /** Program-defined facts about the member, for rule conditions. */
  attributes: Record<string, unknown>;
  /** When the member first joined (tenure counts from here: SU-1). */
  joinedAt: Temporal.Instant;
  createdAt: Temporal.Instant;
}

export function toMember(row: MemberRow): Member {
  return {
    id: row.member_id,
    externalId: row.external_id,
    program: row.program_key,
    name: row.name,
    email: row.email,
    phone: row.phone,
    birthDate: row.birth_date,
    postalAddress: row.postal_address,
    country: row.country,
    attributes: row.attributes,
    joinedAt: row.joined_at,
    createdAt: row.created_at,
  };
}
