import type { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/index.js';
import type { Contract } from '../members/index.js';
import type { Program } from '../programs/index.js';
import { celContext, type Reason } from '../rules/index.js';
import { changeStatus, endBenefit, toApplication, writeBenefitMonths, type Application, type Ctx } from './application.js';
import { lineFacts } from './context.js';
import type { MessageText } from './definition.js';
import { isActiveIn, openInGroup } from './facts.js';
import { recordPointbookHistory } from './history.js';
import { campaignsOf, type Campaign } from './load.js';
import { addMonths, billingMonthOf, lastMonthAfterTermination } from './months.js';
import * as sql from './sql.js';
import { statusByTime } from './timed-status.js';

/**
 * What happens to applications after they are made: contract events end them (GG-7, GG-8, GG-9),
 * a joining U25 activates pre-registered family members (GG-10), and a U25's early end ends the
 * family's benefits unless another U25 remains (GG-8). A family group spans members, so these
 * write other members' rows in the same transaction (decision 41), in member order.
 */
export interface ContractEvent {
  program: Program;
  memberId: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: Temporal.Instant;
  /** The line before the event; undefined when the event created it. */
  previous: Contract | undefined;
  contract: Contract;
}

/** GG-7, GG-8 ②: the first termination rule an event matches ends the application (a provisional one lapses). */
export async function applyContractEvent(tx: Queryable, event: ContractEvent, ctx: Ctx): Promise<Application[]> {
  const rows = await tx.query<sql.ApplicationRow>(sql.openApplicationsOfLine, [event.memberId, event.contract.id]);
  const ended: Application[] = [];
  for (const app of rows.map(toApplication)) {
    const campaign = campaignsOf(event.program).find((c) => c.id === app.campaign);
    if (!campaign) continue; // a campaign removed from the program's files keeps its rows as they are
    // GG-7 ①, GG-8: a benefit that ran its term (or a pre-registration that lapsed) before the event
    // has ended by time; the event must not end it again, nor end the family's as an early end would.
    if (statusByTime(campaign, event.program.timeZone, app, event.occurredAt)) continue;
    const rule = matchingRule(campaign, app, event);
    if (!rule) continue;
    const reasons = [{ rule: rule.id, code: 'terminated', message: rule.message }];
    ended.push(...(await endApplication(tx, campaign, event.program.timeZone, app, { at: event.occurredAt, reasons }, ctx)));
  }
  return ended;
}

function matchingRule(campaign: Campaign, app: Application, event: ContractEvent): { id: string; message: MessageText } | undefined {
  const facts = celContext({
    event: { type: event.type, data: event.data },
    line: lineFacts(campaign, event.contract),
    previous: lineFacts(campaign, event.previous ?? event.contract),
    application: { role: app.role, option: app.option, familyGroup: app.familyGroup ?? '', personId: app.personId, contractId: app.contractId },
    lists: campaign.definition.lists ?? {},
  });
  for (const { config, condition } of campaign.termination) {
    if (!(config.on as readonly string[]).includes(event.type)) continue;
    if (config.roles && !config.roles.includes(app.role)) continue;
    if (condition && !condition.evaluate(facts).ok) continue;
    return { id: config.id, message: config.message };
  }
  return undefined;
}

/**
 * Ends one application: a provisional one lapses (GG-10: required services dropped before the U25
 * joined) and frees its person; an active one is terminated with GG-9's last months, and the
 * applications depending on it end too when no other of its role remains (GG-8).
 */
export async function endApplication(
  tx: Queryable,
  campaign: Campaign,
  timeZone: string,
  app: Application,
  why: { at: Temporal.Instant; reasons: Reason[] },
  ctx: Ctx,
): Promise<Application[]> {
  if (app.status === 'provisional') {
    const lapsed = await changeStatus(tx, app, 'lapsed', { first: null, last: null }, why, ctx);
    await tx.query(sql.releaseClaim, [campaign.program, campaign.id, app.personId, app.id]);
    return lapsed ? [lapsed] : [];
  }
  if (app.lastBillingMonth === null) return [];
  const rule = campaign.definition.termination.lastBillingMonth[app.kind] ?? 'month_before_event';
  const last = lastMonthAfterTermination(rule, billingMonthOf(why.at, timeZone), app.lastBillingMonth);
  const ended = await endBenefit(tx, app, 'terminated', last, why, ctx);
  if (!ended) return [];
  return [ended, ...(await endDependents(tx, campaign, timeZone, ended, why.at, ctx))];
}

/** GG-8 ①: family benefits end with the group's last active U25 (its expiry is not an end). */
async function endDependents(tx: Queryable, campaign: Campaign, timeZone: string, ended: Application, at: Temporal.Instant, ctx: Ctx): Promise<Application[]> {
  if (!ended.familyGroup) return [];
  const dependents = Object.entries(campaign.roles).filter(([, r]) => r.config.dependsOn?.role === ended.role && r.config.dependsOn.endsWithIt);
  if (dependents.length === 0) return [];
  const group = await openInGroup(tx, campaign, ended.familyGroup);
  const month = billingMonthOf(at, timeZone);
  if (group.some((a) => a.role === ended.role && a.id !== ended.id && isActiveIn(a, month))) return [];
  const out: Application[] = [];
  for (const [role, config] of dependents) {
    const message = config.config.dependsOn?.endsWithIt?.message;
    if (!message) continue;
    // A family benefit that already ran its term is not ended by the U25's end (GG-7 ①).
    for (const app of group.filter((a) => a.role === role && a.status === 'active' && !statusByTime(campaign, timeZone, a, at))) {
      out.push(...(await endApplication(tx, campaign, timeZone, app, { at, reasons: [{ rule: `depends-on-${ended.role}`, code: 'dependency_ended', message }] }, ctx)));
    }
  }
  return out;
}

/**
 * GG-10: a U25 joining activates the pre-registered family members of its group: the discount
 * from the billing month after the U25's contract, data from the month after that (configured per
 * kind); the earliest U25 to join is the one that resolves them.
 */
export async function resolvePreRegistrations(tx: Queryable, campaign: Campaign, timeZone: string, joined: Application, ctx: Ctx): Promise<Application[]> {
  if (!joined.familyGroup) return [];
  const waiting = Object.entries(campaign.roles).filter(([, r]) => r.config.dependsOn?.role === joined.role && r.config.dependsOn.preRegistration);
  if (waiting.length === 0) return [];
  const group = await openInGroup(tx, campaign, joined.familyGroup);
  const joinMonth = billingMonthOf(joined.contractedAt, timeZone);
  const out: Application[] = [];
  for (const [role, config] of waiting) {
    const after = config.config.dependsOn?.preRegistration?.startMonthsAfterJoin ?? {};
    for (const app of group.filter((a) => a.role === role && a.status === 'provisional')) {
      const first = addMonths(joinMonth, after[app.kind] ?? 1);
      const reasons = [{ rule: `depends-on-${joined.role}`, code: 'dependency_joined', message: joinedMessage(campaign, joined) }];
      const active = await changeStatus(tx, app, 'active', { first, last: addMonths(first, app.months - 1) }, { at: ctx.now, reasons }, ctx);
      if (!active) continue;
      await writeBenefitMonths(tx, active);
      await recordPointbookHistory(tx, active, ctx);
      out.push(active);
    }
  }
  return out;
}

function joinedMessage(campaign: Campaign, joined: Application): MessageText {
  const role = campaign.roles[joined.role]?.config.names ?? { ja: joined.role, en: joined.role };
  return { ja: `${role.ja}の加入により先行受付が適用されました`, en: `Applied now that a ${role.en} joined` };
}
