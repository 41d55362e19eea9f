import { Type } from 'typebox';
import type { Application, ApplicationDetail, Benefit, Campaign, Eligibility, HistoryEntry } from '../../campaigns/index.js';
import type { Reason } from '../../rules/index.js';
import { Instant, nullable } from '../schemas.js';

/** Response shapes of the campaign routes (#5): allow-lists, nothing else is serialised. */
const Message = Type.Object({ ja: Type.String(), en: Type.String() });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'Billing month YYYY-MM in the program time zone' });
export const BillingMonth = Month;

export const ReasonView = Type.Object({
  rule: Type.String({ description: 'The id of the failed rule in the campaign definition' }),
  code: Type.String({ description: 'condition_not_met, outside_period, option_not_offered, reapplication_not_allowed, person_has_a_line, dependency_missing, terminated…' }),
  message: Message,
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'The role it concerns, the past campaign (GG-11)…' })),
});
export const toReasonView = (r: Reason) => ({ rule: r.rule, code: r.code, message: r.message, ...(r.params ? { params: r.params } : {}) });

export const CampaignView = Type.Object({
  id: Type.String(),
  program: Type.String(),
  names: Message,
  period: Type.Object({ from: Type.String({ description: 'First local day' }), until: Type.String({ description: 'Last local day, included' }) }),
  roles: Type.Array(Type.Object({ id: Type.String(), names: Message, dependsOn: nullable(Type.String()), preRegistration: Type.Boolean() })),
  options: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), names: Message })),
  benefits: Type.Array(
    Type.Object({
      when: Type.Record(Type.String(), Type.Unknown(), { description: 'Role, origin and plan family cells; absent means any' }),
      option: Type.String(),
      amount: Type.Integer(),
      unit: Type.String(),
      months: Type.Integer(),
    }),
  ),
  startMonthsAfterContract: Type.Integer(),
  information: Type.Array(Type.Object({ id: Type.String(), ja: Type.String(), en: Type.String() }), { description: 'GG-12: terms shown, not enforced' }),
});

export function toCampaignView(c: Campaign) {
  const d = c.definition;
  return {
    id: c.id,
    program: c.program,
    names: d.names,
    period: { from: d.period.from, until: d.period.until },
    roles: Object.entries(d.roles).map(([id, r]) => ({ id, names: r.names, dependsOn: r.dependsOn?.role ?? null, preRegistration: r.dependsOn?.preRegistration !== undefined })),
    options: Object.entries(d.options).map(([id, o]) => ({ id, kind: o.kind, names: o.names })),
    benefits: d.benefits.rules.map((r) => ({ when: r.when, ...(r.then as { option: string; amount: number; unit: string; months: number }) })),
    startMonthsAfterContract: d.start.monthsAfterContract,
    information: d.information ?? [],
  };
}

const OptionView = Type.Object({ role: Type.String(), option: Type.String(), kind: Type.String(), amount: Type.Integer(), unit: Type.String(), months: Type.Integer() });

export const EligibilityView = Type.Object({
  eligible: Type.Boolean(),
  options: Type.Array(OptionView, { description: 'The benefits the line may choose, by role' }),
  reasons: Type.Array(ReasonView, { description: 'Why not: every failed rule, in Japanese and English' }),
  provisional: Type.Boolean({ description: 'GG-10: eligible only as a pre-registration until the applicant it depends on joins' }),
  unavailable: Type.Array(Type.Object({ role: Type.String(), option: Type.String(), reasons: Type.Array(ReasonView) }), { description: 'Options of an eligible role that this line cannot choose, and why' }),
  summary: Type.String({ description: "The first reason in the caller's language (the member's, for members); empty when eligible" }),
});

export function toEligibilityView(e: Eligibility, locale: 'ja' | 'en') {
  return {
    eligible: e.eligible,
    options: e.options,
    reasons: e.reasons.map(toReasonView),
    provisional: e.roles.some((r) => r.eligible && r.provisional),
    unavailable: e.unavailable.map((u) => ({ role: u.role, option: u.option, reasons: u.reasons.map(toReasonView) })),
    summary: e.reasons[0]?.message[locale] ?? '',
  };
}

export const ApplicationCreated = Type.Object({
  id: Type.String({ description: 'cap_…' }),
  campaign: Type.String(),
  member: Type.String(),
  line: Type.String(),
  role: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('provisional')]),
  option: Type.String(),
  kind: Type.String(),
  amount: Type.Integer(),
  unit: Type.String(),
  months: Type.Integer(),
  firstBillingMonth: nullable(Month),
  lastBillingMonth: nullable(Month),
});

export const ApplicationView = Type.Object({
  ...ApplicationCreated.properties,
  status: Type.String({ description: 'active, provisional, terminated, lapsed, superseded, or completed (past its last month)' }),
  appliedAt: Instant,
  contractedAt: Instant,
  familyGroup: nullable(Type.String()),
  statusHistory: Type.Array(Type.Object({ status: Type.String(), at: Instant, reasons: Type.Array(ReasonView) })),
});

/** What an application is, as the 201 of an application and the application view both say it. */
export function applicationFields(a: Application) {
  return {
    id: a.id,
    campaign: a.campaign,
    member: a.memberId,
    line: a.contractId,
    role: a.role,
    option: a.option,
    kind: a.kind,
    amount: a.amount,
    unit: a.unit,
    months: a.months,
    firstBillingMonth: a.firstBillingMonth,
    lastBillingMonth: a.lastBillingMonth,
  };
}

export function toApplicationView(a: ApplicationDetail) {
  return {
    ...applicationFields(a),
    status: a.currentStatus,
    appliedAt: a.appliedAt.toString(),
    contractedAt: a.contractedAt.toString(),
    familyGroup: a.familyGroup,
    statusHistory: a.history.map((h) => ({ status: h.status, at: h.at.toString(), reasons: h.reasons.map(toReasonView) })),
  };
}

export const BenefitView = Type.Object({
  campaign: Type.String(),
  application: Type.String(),
  line: Type.String(),
  kind: Type.Union([Type.Literal('discount'), Type.Literal('data')]),
  amount: Type.Integer(),
  unit: Type.String({ description: 'JPY for a discount, GB for data' }),
  monthIndex: Type.Integer({ description: 'GG-4 ⑧: month 1 is the first billing month applied' }),
});
export const toBenefitView = (b: Benefit) => ({ campaign: b.campaign, application: b.application, line: b.line, kind: b.kind, amount: b.amount, unit: b.unit, monthIndex: b.monthIndex });

export const HistoryView = Type.Object({
  id: Type.String({ description: 'chs_…' }),
  personId: Type.String(),
  campaign: Type.String(),
  role: nullable(Type.String()),
  contractKind: nullable(Type.String()),
  startedAt: Instant,
  endedAt: nullable(Instant),
  source: Type.Union([Type.Literal('imported'), Type.Literal('pointbook')]),
  applicationId: nullable(Type.String()),
});
export const toHistoryView = (h: HistoryEntry) => ({
  id: h.id,
  personId: h.personId,
  campaign: h.campaign,
  role: h.role,
  contractKind: h.contractKind,
  startedAt: h.startedAt.toString(),
  endedAt: h.endedAt?.toString() ?? null,
  source: h.source,
  applicationId: h.applicationId,
});
