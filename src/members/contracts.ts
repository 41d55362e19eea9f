import type { Temporal } from 'temporal-polyfill';
import { statement, type Queryable } from '../db/index.js';
import { assert } from '../errors.js';
import { lineChangeOf, type LineDetails } from './line.js';

export type ContractStatus = 'active' | 'cancelled' | 'converted';

export interface Contract {
  id: string;
  type: string;
  plan: string | null;
  services: string[];
  commitmentDiscount: boolean;
  inService: boolean;
  status: ContractStatus;
  startedAt: Temporal.Instant;
  changedAt: Temporal.Instant | null;
  endedAt: Temporal.Instant | null;
  familyGroup: string | null;
  attributes: Record<string, unknown>;
  /** User, holder, device, origin, corporate, shared-data role, other discounts (#5). */
  line: LineDetails;
}

/** What a contract event says; fields left out keep their previous value. */
export interface ContractChange {
  contractId: string;
  type?: string | undefined;
  plan?: string | undefined;
  services?: string[] | undefined;
  commitmentDiscount?: boolean | undefined;
  inService?: boolean | undefined;
  familyGroup?: string | undefined;
  attributes?: Record<string, unknown> | undefined;
  user?: LineDetails['user'];
  holder?: LineDetails['holder'];
  device?: LineDetails['device'];
  origin?: LineDetails['origin'];
  corporate?: boolean | undefined;
  sharedDataRole?: LineDetails['sharedDataRole'];
  discounts?: string[] | undefined;
}

const upsert = statement('members.upsertContract', `
  insert into member_contracts (member_id, contract_id, type, plan, services, commitment_discount, in_service, status,
                                started_at, family_group, attributes, line)
  values ($1, $2, coalesce($3, 'unknown'), $4, coalesce($5::text[], '{}'), coalesce($6, false), coalesce($7, true), 'active',
          $8, $9, coalesce($10::jsonb, '{}'), coalesce($11::jsonb, '{}'))
  on conflict (member_id, contract_id) do update set
    type = coalesce($3, member_contracts.type), plan = coalesce($4, member_contracts.plan),
    services = coalesce($5::text[], member_contracts.services),
    commitment_discount = coalesce($6, member_contracts.commitment_discount),
    in_service = coalesce($7, member_contracts.in_service),
    family_group = coalesce($9, member_contracts.family_group),
    attributes = member_contracts.attributes || coalesce($10::jsonb, '{}'),
    line = member_contracts.line || coalesce($11::jsonb, '{}'),
    changed_at = $8
  returning *`);

const end = statement('members.endContract', `
  update member_contracts set status = $3, ended_at = $4, in_service = false
  where member_id = $1 and contract_id = $2 and status = 'active'
  returning *`);

const one = statement('members.getContract', `select * from member_contracts where member_id = $1 and contract_id = $2`);

const list = statement('members.listContracts', `select * from member_contracts where member_id = $1 order by started_at, contract_id`);

// Contracts in force at $3 for members who were members then, in (member, contract) order after the cursor.
const inForcePage = statement('members.contractsInForcePage', `
  select c.* from member_contracts c join members m on m.member_id = c.member_id
  where m.program_key = $1 and (c.member_id, c.contract_id) > ($2, $4)
    -- bounds on both sides of the join, so each page starts at the cursor, not at the first member
    and c.member_id >= $2 and m.member_id >= $2
    and c.started_at <= $3 and (c.ended_at is null or c.ended_at > $3)
    and exists (select 1 from member_memberships p where p.member_id = c.member_id
                and p.started_at <= $3 and (p.ended_at is null or p.ended_at > $3))
  order by c.member_id, c.contract_id
  limit $5`);

// Contracts that ended (cancelled or converted) by $3, in (member, contract) order after the cursor.
const endedPage = statement('members.endedContractsPage', `
  select c.* from member_contracts c join members m on m.member_id = c.member_id
  where m.program_key = $1 and (c.member_id, c.contract_id) > ($2, $4) and c.member_id >= $2 and m.member_id >= $2
    and c.status <> 'active' and c.ended_at <= $3
  order by c.member_id, c.contract_id
  limit $5`);

interface ContractRow {
  member_id: string;
  contract_id: string;
  type: string;
  plan: string | null;
  services: string[];
  commitment_discount: boolean;
  in_service: boolean;
  status: ContractStatus;
  started_at: Temporal.Instant;
  changed_at: Temporal.Instant | null;
  ended_at: Temporal.Instant | null;
  family_group: string | null;
  attributes: Record<string, unknown>;
  line: LineDetails;
}

function toContract(row: ContractRow): Contract {
  return {
    id: row.contract_id,
    type: row.type,
    plan: row.plan,
    services: row.services,
    commitmentDiscount: row.commitment_discount,
    inService: row.in_service,
    status: row.status,
    startedAt: row.started_at,
    changedAt: row.changed_at,
    endedAt: row.ended_at,
    familyGroup: row.family_group,
    attributes: row.attributes,
    line: row.line,
  };
}

/** contract.started / contract.changed: creates the contract or updates the fields given. */
export async function recordContract(db: Queryable, memberId: string, change: ContractChange, at: Temporal.Instant): Promise<Contract> {
  const [row] = await db.query<ContractRow>(upsert, [
    memberId,
    change.contractId,
    change.type ?? null,
    change.plan ?? null,
    change.services ?? null,
    change.commitmentDiscount ?? null,
    change.inService ?? null,
    at.toString(),
    change.familyGroup ?? null,
    change.attributes ? JSON.stringify(change.attributes) : null,
    jsonOrNull(lineChangeOf(change, at.toString())),
  ]);
  assert(row, 'the upsert returns the contract');
  return toContract(row);
}

/** contract.cancelled / contract.converted. Undefined when there is no active contract of that id. */
export async function endContract(
  db: Queryable,
  memberId: string,
  contractId: string,
  status: 'cancelled' | 'converted',
  at: Temporal.Instant,
): Promise<Contract | undefined> {
  const [row] = await db.query<ContractRow>(end, [memberId, contractId, status, at.toString()]);
  return row && toContract(row);
}

const jsonOrNull = (value: object | undefined) => (value === undefined ? null : JSON.stringify(value));

/** One contract of the member, whatever its status; undefined when there is none of that id. */
export async function getContract(db: Queryable, memberId: string, contractId: string): Promise<Contract | undefined> {
  const [row] = await db.query<ContractRow>(one, [memberId, contractId]);
  return row && toContract(row);
}

export async function listContracts(db: Queryable, memberId: string): Promise<Contract[]> {
  return (await db.query<ContractRow>(list, [memberId])).map(toContract);
}

export interface ContractCursor {
  memberId: string;
  contractId: string;
}

export interface MemberContract {
  memberId: string;
  contract: Contract;
}

async function page(
  db: Queryable,
  query: typeof inForcePage,
  program: string,
  at: Temporal.Instant,
  after: ContractCursor | undefined,
  limit: number,
): Promise<MemberContract[]> {
  const rows = await db.query<ContractRow>(query, [program, after?.memberId ?? '', at.toString(), after?.contractId ?? '', limit]);
  return rows.map((row) => ({ memberId: row.member_id, contract: toContract(row) }));
}

/** Contracts in force at `at` of the program's members then (the monthly grant, FL-2), a page at a time. */
export function contractsInForcePage(db: Queryable, program: string, at: Temporal.Instant, after: ContractCursor | undefined, limit: number) {
  return page(db, inForcePage, program, at, after, limit);
}

/** Contracts cancelled or converted by `at` (the forfeit job, FL-10), a page at a time. */
export function endedContractsPage(db: Queryable, program: string, at: Temporal.Instant, after: ContractCursor | undefined, limit: number) {
  return page(db, endedPage, program, at, after, limit);
}
