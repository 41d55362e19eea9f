import { Type } from 'typebox';
import { campaignDataOf } from '../campaigns/index.js';
import { Instant, iso, isoOrNull, nullable, section } from './section.js';

const Reasons = Type.Array(Type.Object({ rule: Type.String(), code: Type.String(), message: Type.Object({ ja: Type.String(), en: Type.String() }) }));

/** campaigns/ (#5, GG): applications with their status history, benefits by billing month, campaign history, person claims. */
export const campaignSection = section({
  name: 'campaigns',
  tables: ['campaign_applications', 'campaign_application_statuses', 'campaign_benefits', 'campaign_history', 'campaign_person_claims'],
  schema: Type.Object({
    applications: Type.Array(
      Type.Object({
        id: Type.String(),
        campaign: Type.String(),
        line: Type.String(),
        personId: Type.String(),
        role: Type.String(),
        option: Type.String(),
        status: Type.String(),
        appliedAt: Instant,
        firstBillingMonth: nullable(Type.String()),
        lastBillingMonth: nullable(Type.String()),
        statuses: Type.Array(Type.Object({ status: Type.String(), at: Instant, reasons: Reasons })),
      }),
    ),
    benefits: Type.Array(Type.Object({ application: Type.String(), billingMonth: Type.String(), monthIndex: Type.Integer(), kind: Type.String(), amount: Type.Integer(), unit: Type.String() })),
    history: Type.Array(
      Type.Object({ personId: Type.String(), campaign: Type.String(), role: nullable(Type.String()), startedAt: Instant, endedAt: nullable(Instant), source: Type.String() }),
    ),
    claims: Type.Array(Type.Object({ campaign: Type.String(), personId: Type.String(), application: Type.String() })),
  }),
  async read(q, person) {
    const data = await campaignDataOf(q, person.memberId);
    return {
      applications: data.applications.map((a) => ({
        id: a.id,
        campaign: a.campaign,
        line: a.contractId,
        personId: a.personId,
        role: a.role,
        option: a.option,
        status: a.status,
        appliedAt: iso(a.appliedAt),
        firstBillingMonth: a.firstBillingMonth,
        lastBillingMonth: a.lastBillingMonth,
        statuses: a.statuses.map((s) => ({ status: s.status, at: iso(s.at), reasons: s.reasons })),
      })),
      benefits: data.benefits.map((b) => ({ application: b.application_id, billingMonth: b.billing_month, monthIndex: b.month_index, kind: b.kind, amount: b.amount, unit: b.unit })),
      history: data.history.map((h) => ({ personId: h.personId, campaign: h.campaign, role: h.role, startedAt: iso(h.startedAt), endedAt: isoOrNull(h.endedAt), source: h.source })),
      claims: data.claims.map((c) => ({ campaign: c.campaign, personId: c.person_id, application: c.application_id })),
    };
  },
});
