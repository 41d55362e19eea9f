import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { keyDeliveryFor } from '../../accounts/index.js';
import {
  applicationDetail,
  applyForCampaign,
  benefitsOf,
  createCampaignRegistry,
  eligibilityFacts,
  evaluateEligibility,
  findApplication,
  historyOfMember,
  importHistory,
  type Application,
  type Campaign,
} from '../../campaigns/index.js';
import { Refusal, refusal } from '../../errors.js';
import { getContract, type Member } from '../../members/index.js';
import type { Program } from '../../programs/index.js';
import type { App, AppDeps } from '../app.js';
import { principalOf, type Principal } from '../auth.js';
import { once } from '../idempotency.js';
import { memberWithProgram, programOrRefuse } from '../lookups.js';
import { closed, IdempotencyKeyHeader, Instant, MemberIdParams, responses } from '../schemas.js';
import {
  ApplicationCreated,
  ApplicationView,
  BenefitView,
  BillingMonth,
  CampaignView,
  EligibilityView,
  HistoryView,
  applicationFields,
  toApplicationView,
  toBenefitView,
  toCampaignView,
  toEligibilityView,
  toHistoryView,
} from './campaign-views.js';

const CampaignParams = Type.Object({ campaign: Type.String({ minLength: 1, maxLength: 64 }) });
const Ref = Type.String({ minLength: 1, maxLength: 200 });
const MemberRef = Type.String({ minLength: 1, maxLength: 64, description: 'Member id (mbr_…): members may name only themselves' });

/**
 * Campaigns (#5, GG): definitions, eligibility with reasons, applications with their status
 * history, benefits per billing month and campaign history. Members act for themselves only: a
 * member named in the body or owning the application must be the caller (another member's is 404,
 * as for ids that do not exist).
 */
export function campaignRoutes(app: App, deps: AppDeps): void {
  const campaigns = createCampaignRegistry(deps.programs.list());

  /** The campaign, in the caller's program for a member. */
  const campaignFor = (id: string, principal: Principal): { campaign: Campaign; program: Program } => {
    const campaign = campaigns.get(id);
    if (!campaign || (principal.kind === 'member' && principal.program !== campaign.program)) throw refusal('unknown_campaign', `There is no campaign "${id}"`);
    return { campaign, program: programOrRefuse(deps, campaign.program) };
  };

  /** Members name only themselves: another member's id answers as one that does not exist (checked first). */
  const refuseOthers = (id: string, principal: Principal) => {
    if (principal.kind === 'member' && principal.memberId !== id) throw refusal('not_found', `There is no member ${id}`);
  };

  /** The member of the body, one of the campaign's program. */
  const memberFor = async (id: string, principal: Principal, campaign: Campaign): Promise<Member> => {
    refuseOthers(id, principal);
    const { member } = await memberWithProgram(deps, id);
    if (member.program !== campaign.program) throw refusal('not_found', `There is no member ${id} in program ${campaign.program}`);
    return member;
  };

  const localeFor = async (principal: Principal, program: Program, member: Member, acceptLanguage: string | undefined): Promise<'ja' | 'en'> => {
    if (principal.kind === 'member') return (await keyDeliveryFor(deps.db, program, member)).locale;
    return acceptLanguage?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  };

  app.get(
    '/v1/programs/:program/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'The campaigns of a program, from its campaign definitions',
        params: Type.Object({ program: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: Type.Object({ items: Type.Array(CampaignView) }) }, [401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      return { items: campaigns.ofProgram(program.key).map(toCampaignView) };
    },
  );

  app.post(
    '/v1/campaigns/:campaign/eligibility',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'May this line apply, in which role, for which benefits — and if not, which rules failed (ja and en)',
        description: 'Changes nothing. `role` omitted: every role. `at` (default now) is the application instant the rules are read at (GG-1 age, the period).',
        params: CampaignParams,
        body: Type.Object({ member: MemberRef, line: Ref, role: Type.Optional(Ref), at: Type.Optional(Instant) }, closed),
        response: responses({ 200: EligibilityView }, [400, 401, 403, 404, 422]),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      refuseOthers(request.body.member, principal);
      const { campaign, program } = campaignFor(request.params.campaign, principal);
      const member = await memberFor(request.body.member, principal, campaign);
      const role = request.body.role;
      if (role !== undefined && !Object.hasOwn(campaign.roles, role)) throw unknownRole(campaign, role);
      const contract = await getContract(deps.db, member.id, request.body.line);
      if (!contract) throw refusal('unknown_line', `The member has no line (contract) ${request.body.line}`, { line: request.body.line });
      const at = request.body.at ? Temporal.Instant.from(request.body.at) : deps.clock.now();
      const facts = await eligibilityFacts(deps.db, campaign, program.timeZone, member, contract, at);
      const decision = evaluateEligibility({ ...facts, role });
      return toEligibilityView(decision, await localeFor(principal, program, member, request.headers['accept-language']));
    },
  );

  app.post(
    '/v1/campaigns/:campaign/applications',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Apply a line to the campaign with one chosen benefit',
        description:
          '201 `active` with its billing months, or `provisional` (GG-10: a family member pre-registered until a U25 of the group joins). ' +
          'A line that may not apply is 422 `not_eligible` with the same `reasons` as the eligibility answer, and nothing is written.',
        params: CampaignParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKeyHeader) }),
        body: Type.Object({ member: MemberRef, line: Ref, role: Ref, option: Ref }, closed),
        response: responses({ 201: ApplicationCreated }, [400, 401, 403, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      refuseOthers(request.body.member, principal);
      const { campaign, program } = campaignFor(request.params.campaign, principal);
      const member = await memberFor(request.body.member, principal, campaign);
      const { role, option } = request.body;
      if (!Object.hasOwn(campaign.roles, role)) throw unknownRole(campaign, role);
      if (!Object.hasOwn(campaign.options, option)) {
        throw refusal('invalid_request', `body.option: "${option}" is not an option of ${campaign.id}; one of ${Object.keys(campaign.options).join(', ')}`);
      }
      const locale = await localeFor(principal, program, member, request.headers['accept-language']);
      const now = deps.clock.now();
      try {
        const stored = await once(
          deps.db,
          { scope: `${principal.actor} POST campaign-applications ${campaign.id}`, key: request.headers['idempotency-key'], body: request.body, at: now.toString() },
          async (tx) => {
            const input = { campaign, timeZone: program.timeZone, member, contractId: request.body.line, role, option };
            const created = await applyForCampaign(tx, input, { now, actor: principal.actor });
            return { status: 201, body: toCreated(created) };
          },
        );
        return reply.code(stored.status).send(stored.body);
      } catch (error) {
        throw inLocale(error, locale);
      }
    },
  );

  app.get(
    '/v1/campaigns/:campaign/applications/:applicationId',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'An application with its status history and the reasons of each change',
        params: Type.Object({ campaign: Type.String({ minLength: 1, maxLength: 64 }), applicationId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: ApplicationView }, [401, 403, 404]),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const campaign = campaigns.get(request.params.campaign);
      if (!campaign) throw refusal('unknown_campaign', `There is no campaign "${request.params.campaign}"`);
      const program = programOrRefuse(deps, campaign.program);
      const found = await findApplication(deps.db, campaign.id, request.params.applicationId);
      // Another member's application (of any program) answers as one that does not exist.
      if (!found || (principal.kind === 'member' && found.memberId !== principal.memberId)) {
        throw refusal('not_found', `There is no application ${request.params.applicationId} of ${campaign.id}`);
      }
      return toApplicationView(await applicationDetail(deps.db, campaign, program.timeZone, found, deps.clock.now()));
    },
  );

  app.get(
    '/v1/members/:id/benefits',
    {
      schema: {
        tags: ['campaigns'],
        summary: "What billing applies to the member's lines in a billing month (GG-4, GG-9)",
        params: MemberIdParams,
        querystring: Type.Object({ billingMonth: BillingMonth }, closed),
        response: responses({ 200: Type.Array(BenefitView) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      return (await benefitsOf(deps.db, member.id, request.query.billingMonth)).map(toBenefitView);
    },
  );

  app.get(
    '/v1/members/:id/campaign-history',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'GG-11: past campaigns of the people using the member\'s lines, imported or recorded by Pointbook',
        params: MemberIdParams,
        response: responses({ 200: Type.Object({ items: Type.Array(HistoryView) }) }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      return { items: (await historyOfMember(deps.db, member.id)).map(toHistoryView) };
    },
  );

  app.post(
    '/v1/members/:id/campaign-history',
    {
      schema: {
        tags: ['campaigns'],
        summary: "GG-11: import past campaigns of a person (a line's user) from the carrier's records",
        params: MemberIdParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKeyHeader) }),
        body: Type.Object(
          {
            entries: Type.Array(
              Type.Object(
                {
                  personId: Ref,
                  campaign: Type.String({ minLength: 1, maxLength: 100, description: 'As the campaign definitions name it (a GG-11 row: white-gakuwari, …)' }),
                  role: Type.Optional(Ref),
                  contractKind: Type.Optional(Ref),
                  startedAt: Instant,
                  endedAt: Type.Optional(Instant),
                },
                closed,
              ),
              { minItems: 1, maxItems: 100 },
            ),
          },
          closed,
        ),
        response: responses({ 201: Type.Object({ items: Type.Array(HistoryView) }) }, [400, 401, 403, 404, 409, 422]),
      },
    },
    async (request, reply) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const principal = principalOf(request);
      const entries = request.body.entries.map((e, i) => {
        const startedAt = Temporal.Instant.from(e.startedAt);
        const endedAt = e.endedAt ? Temporal.Instant.from(e.endedAt) : undefined;
        if (endedAt && Temporal.Instant.compare(endedAt, startedAt) < 0) throw refusal('invalid_request', `body.entries.${i}.endedAt is before startedAt`);
        return { ...e, startedAt, endedAt };
      });
      const now = deps.clock.now();
      const stored = await once(
        deps.db,
        { scope: `${principal.actor} POST campaign-history ${member.id}`, key: request.headers['idempotency-key'], body: request.body, at: now.toString() },
        async (tx) => ({ status: 201, body: { items: (await importHistory(tx, program.key, member.id, entries, { now, actor: principal.actor })).map(toHistoryView) } }),
      );
      return reply.code(stored.status).send(stored.body);
    },
  );
}

function unknownRole(campaign: Campaign, role: string): Refusal {
  return refusal('invalid_request', `body.role: "${role}" is not a role of ${campaign.id}; one of ${Object.keys(campaign.roles).join(', ')}`);
}

function toCreated(a: Application) {
  return { ...applicationFields(a), status: a.status === 'provisional' ? ('provisional' as const) : ('active' as const) };
}

/** A "not eligible" told in the caller's language: the first failed rule's own words. */
function inLocale(error: unknown, locale: 'ja' | 'en'): unknown {
  if (!(error instanceof Refusal) || error.code !== 'not_eligible') return error;
  const reasons = error.params.reasons as { rule: string; message: { ja: string; en: string } }[] | undefined;
  const first = reasons?.[0];
  if (!first) return error;
  const detail = locale === 'ja' ? `お申し込みいただけません: ${first.message.ja}（ルール ${first.rule}）` : `Not eligible: ${first.message.en} (rule ${first.rule})`;
  return refusal('not_eligible', detail, error.params);
}
