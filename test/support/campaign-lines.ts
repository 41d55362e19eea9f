import assert from 'node:assert/strict';
import { call, enrol, type ApiContext } from './api.js';

/** Softbank lines for the GG campaign (examples/programs/softbank/campaigns/giga-gakuwari.yaml), made by contract events. */
export interface LineSpec {
  origin?: 'new' | 'mnp' | 'upgrade';
  plan?: string;
  services?: string[];
  birthDate?: string;
  personId?: string;
  holder?: string;
  familyGroup?: string;
  network?: string;
  sharedDataRole?: 'none' | 'parent' | 'child';
  discounts?: string[];
  /** When the contract started (default 2016-03-01 10:00 JST). */
  at?: string;
  /** An existing member's external id: the line is theirs instead of a new member's. */
  externalId?: string;
  member?: string;
}

export const talkServices = ['two-year-contract', 'data-pack-standard-5', 'basic-pack'];
let serial = 0;

/** A number no other line, person or event of the test run uses. */
export function nextSerial(): number {
  serial += 1;
  return serial;
}

/** Sends one softbank event and asserts it applied. */
export async function contractEvent(ctx: ApiContext, externalId: string, type: string, data: Record<string, unknown>, at: string): Promise<void> {
  const response = await call(ctx.app, 'POST', '/v1/programs/softbank/events', { events: [{ id: `ev-${process.pid}-${nextSerial()}`, type, member: { externalId }, occurredAt: at, data }] });
  assert.equal(response.statusCode, 200, response.body);
  const result = response.json<{ results: { status: string }[] }>().results[0];
  assert.equal(result?.status, 'applied', response.body);
}

/** A new softbank member (or `spec.member`) with one GG-ready line: a U25 talk-unlimited line with a handset, unless told otherwise. */
export async function givenLine(ctx: ApiContext, spec: LineSpec = {}): Promise<{ member: string; externalId: string; line: string; personId: string }> {
  const n = nextSerial();
  const externalId = spec.externalId ?? `SB-${process.pid}-${n}`;
  const member = spec.member ?? (await enrol(ctx.app, 'softbank', { externalId }));
  const line = `L-${process.pid}-${n}`;
  const personId = spec.personId ?? `P-${process.pid}-${n}`;
  await contractEvent(ctx, externalId, 'contract.started', {
    contractId: line,
    type: 'mobile',
    plan: spec.plan ?? 'talk-unlimited',
    services: spec.services ?? talkServices,
    familyGroup: spec.familyGroup,
    user: { personId, birthDate: spec.birthDate ?? '1995-04-01' },
    ...(spec.holder ? { holder: { personId: spec.holder } } : {}),
    device: { purchased: true, network: spec.network ?? 'LTE' },
    origin: spec.origin ?? 'new',
    sharedDataRole: spec.sharedDataRole ?? 'none',
    ...(spec.discounts ? { discounts: spec.discounts } : {}),
  }, spec.at ?? '2016-03-01T10:00:00+09:00');
  return { member, externalId, line, personId };
}
