import type { Member, StatusChange } from '../members/index.js';
import type { Program } from '../programs/index.js';
import { celContext, type Reason } from '../rules/index.js';
import { gateCondition } from './conditions.js';
import type { EntryChannel, Prize, SweepstakesDefinition } from './definition.js';

/** What the gates of a period know about a member (SU-4). */
export interface EntrantFacts {
  member: Pick<Member, 'id' | 'attributes'>;
  /** The member's status now; null before the status job first ran for them. */
  status: string | null;
  /** The change recorded for the period's month, if any (SU-1: "status went up this month"). */
  change: Pick<StatusChange, 'from' | 'to' | 'direction'> | undefined;
  active: boolean;
}

export type PrizeOption = { prize: Prize; allowed: true } | { prize: Prize; allowed: false; reasons: Reason[] };

/**
 * Which prizes the member may enter in `period` through `channel`: the eligibility rule first, then
 * each prize's channel and gate. Every refusal names its rule and says why in both languages.
 */
export function prizeOptions(definition: SweepstakesDefinition, program: Program, facts: EntrantFacts, period: string, channel: EntryChannel): PrizeOption[] {
  const context = gateContext(program, facts, period, channel);
  const eligibility = gateCondition(definition.eligibility.when, 'eligibility').evaluate(context);
  const ineligible = eligibility.ok ? undefined : gateReason('eligibility', definition.eligibility.refusal, definition.eligibility.when);
  return definition.prizes.map((prize): PrizeOption => {
    if (ineligible) return { prize, allowed: false, reasons: [ineligible] };
    if (!prize.channels.includes(channel)) return { prize, allowed: false, reasons: [channelReason(prize, channel)] };
    const gate = gateCondition(prize.when, `prize-${prize.key}`).evaluate(context);
    return gate.ok ? { prize, allowed: true } : { prize, allowed: false, reasons: [gateReason(`prize-${prize.key}`, prize.refusal, prize.when)] };
  });
}

function gateContext(program: Program, facts: EntrantFacts, period: string, channel: EntryChannel) {
  const ladder = program.tiers?.ladder ?? [];
  const ranks = Object.fromEntries(ladder.map((row, index) => [row.key, index]));
  const statusRank = facts.status === null ? undefined : ranks[facts.status];
  const { change } = facts;
  const up = change?.direction === 'up';
  return celContext({
    member: { id: facts.member.id, status: facts.status ?? undefined, statusRank, active: facts.active, attributes: facts.member.attributes },
    statusChange: change ? { from: change.from ?? undefined, to: change.to, direction: change.direction, up } : { up: false },
    ranks,
    period,
    channel,
  });
}

function gateReason(rule: string, message: { ja: string; en: string }, expression: string): Reason {
  return { rule, code: 'gate_not_met', message, params: { expression } };
}

function channelReason(prize: Prize, channel: EntryChannel): Reason {
  const channels = prize.channels.join(', ');
  return {
    rule: `prize-${prize.key}`,
    code: 'channel_not_allowed',
    message: {
      ja: `${prize.key}賞は${prize.channels.map((c) => (c === 'web' ? 'WEB' : 'メール')).join('・')}からのみ応募できます`,
      en: `Prize ${prize.key} is entered by ${channels} only, not by ${channel}`,
    },
    params: { channel, channels },
  };
}
