import { Temporal } from 'temporal-polyfill';
import type { Contract } from '../members/index.js';
import type { Campaign } from './load.js';
import { ageOn } from './months.js';

/**
 * The facts conditions read, with every field present (empty text, false, empty lists) so a
 * condition compares values instead of asking `has()` first. Only a birth date may be missing:
 * an age nobody told us must not pass as 0.
 */
export interface PersonFacts {
  id: string;
  birthDate?: string | undefined;
}

export interface HistoryFact {
  campaign: string;
  role: string | null;
  contractKind: string | null;
  startedAt: Temporal.Instant;
  endedAt: Temporal.Instant | null;
  applicationId: string | null;
  entryId: string;
  memberId: string;
}

export function planFamilyOf(campaign: Campaign, plan: string | null): string {
  if (plan === null) return '';
  for (const [family, plans] of Object.entries(campaign.definition.planFamilies)) if (plans.includes(plan)) return family;
  return '';
}

/** The line as conditions see it (`line.plan`, `line.user.personId`, `line.device.network`…). */
export function lineFacts(campaign: Campaign, contract: Contract): Record<string, unknown> {
  const line = contract.line;
  return {
    id: contract.id,
    type: contract.type,
    plan: contract.plan ?? '',
    planFamily: planFamilyOf(campaign, contract.plan),
    services: contract.services,
    status: contract.status,
    inService: contract.inService,
    commitmentDiscount: contract.commitmentDiscount,
    familyGroup: contract.familyGroup ?? '',
    user: { personId: line.user?.personId ?? '', ...(line.user?.birthDate ? { birthDate: line.user.birthDate } : {}) },
    holder: { personId: line.holder?.personId ?? line.user?.personId ?? '' },
    device: { purchased: line.device?.purchased ?? false, network: line.device?.network ?? '' },
    origin: line.origin ?? '',
    corporate: line.corporate ?? false,
    sharedDataRole: line.sharedDataRole ?? 'none',
    discounts: line.discounts ?? [],
  };
}

/** The person the line is for: its user, or the member when upstream named no user. */
export function personOf(contract: Contract, member: { id: string; birthDate: string | null }): PersonFacts {
  const user = contract.line.user;
  if (user) return { id: user.personId, birthDate: user.birthDate };
  return { id: member.id, birthDate: member.birthDate ?? undefined };
}

/** `applicationDate`: the application's local date, YYYY-MM-DD (GG-1: the age on that day). */
export function personFacts(person: PersonFacts, applicationDate: string): Record<string, unknown> {
  const age = person.birthDate ? ageOn(person.birthDate, applicationDate) : undefined;
  return { id: person.id, birthDate: person.birthDate, ageAtApplication: age };
}

export function historyFacts(history: readonly HistoryFact[], at: Temporal.Instant): Record<string, unknown>[] {
  return history.map((h) => ({
    campaign: h.campaign,
    role: h.role ?? '',
    contractKind: h.contractKind ?? '',
    startedAt: h.startedAt,
    active: h.endedAt === null || Temporal.Instant.compare(h.endedAt, at) > 0,
  }));
}
