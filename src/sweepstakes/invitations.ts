import { keyDeliveryFor } from '../accounts/index.js';
import { sendMarketingEmail } from '../consent/index.js';
import type { Queryable } from '../db/index.js';
import { getMember } from '../members/index.js';
import { programName, type Program } from '../programs/index.js';
import type { SweepstakesDefinition } from './definition.js';
import { entrantFacts } from './entries.js';
import { signEntryLink } from './entry-links.js';
import { prizeOptions } from './gates.js';
import { openedPeriod } from './period-store.js';
import { runsIn, windowOf } from './periods.js';
import * as sql from './sql.js';
import type { Temporal } from 'temporal-polyfill';

const PAGE = 500;

type Ctx = { now: Temporal.Instant; actor: string; publicUrl: string };

/**
 * SU-5: at the start of a month, every member whose status went up that month (the status job's
 * record) and who may enter one of the invitation's prizes by email is sent their personal entry
 * link. It is marketing, so it goes through the consent gate (DN-4: an "all" opt-out suppresses it,
 * and the suppression is recorded). One invitation per member and period: a resumed or repeated
 * run sends nobody a second one. Returns the chunk's counts and the cursor to continue after, in
 * the caller's transaction (the job's, with its cursor).
 */
export async function inviteChunk(tx: Queryable, program: Program, month: string, cursor: string | null, ctx: Ctx): Promise<{ cursor: string; counts: Record<string, number> } | undefined> {
  const definitions = (program.sweepstakes ?? []).filter((d) => d.invitations && runsIn(d, month));
  if (definitions.length === 0) return undefined;
  const ups = await tx.query<{ member_id: string; to_tier: string }>(sql.statusUpsAfter, [program.key, month, cursor ?? '', PAGE]);
  const last = ups.at(-1);
  if (!last) return undefined;
  const counts = { statusUps: ups.length, invited: 0, suppressed: 0, notOffered: 0 };
  for (const up of ups) {
    const member = await getMember(tx, up.member_id);
    if (!member) continue;
    const { email, locale } = await keyDeliveryFor(tx, program, member);
    for (const definition of definitions) {
      const prizes = invitedPrizes(definition, program, await entrantFacts(tx, member, month, ctx.now), month);
      if (!email || prizes.length === 0) {
        counts.notOffered += 1;
        continue;
      }
      const claimed = await tx.query(sql.insertInvitation, [member.id, definition.key, month, prizes, null, ctx.now.toString()]);
      if (claimed.length === 0) continue;
      const opened = await openedPeriod(tx, definition, month, ctx.now);
      const token = signEntryLink({ member: member.id, sweepstakes: definition.key, period: month, prizes }, opened.linkKey);
      const statusName = program.tiers?.ladder.find((row) => row.key === up.to_tier)?.names?.[locale] ?? up.to_tier;
      const sent = await sendMarketingEmail(
        tx,
        program,
        {
          template: 'sweepstakes_invitation',
          locale,
          memberId: member.id,
          to: email,
          scope: 'company',
          vars: {
            sweepstakesName: definition.names[locale],
            statusName,
            prizes,
            // In the fragment, as every emailed link: it never reaches logs or a Referer header.
            link: `${ctx.publicUrl}/sweepstakes/${definition.key}/enter#token=${encodeURIComponent(token)}`,
            closesAt: windowOf(definition, program, month).closesAt,
            programName: programName(program, locale),
            timeZone: program.timeZone,
          },
        },
        ctx,
      );
      await tx.query(sql.setInvitationMessage, [member.id, definition.key, month, sent.id]);
      counts[sent.suppressedBy ? 'suppressed' : 'invited'] += 1;
    }
  }
  return { cursor: last.member_id, counts };
}

/** The invitation's prizes the member may enter by email this month. */
function invitedPrizes(definition: SweepstakesDefinition, program: Program, facts: Awaited<ReturnType<typeof entrantFacts>>, month: string): string[] {
  const offered = new Set(definition.invitations?.prizes ?? []);
  return prizeOptions(definition, program, facts, month, 'email')
    .filter((option) => option.allowed && offered.has(option.prize.key))
    .map((option) => option.prize.key);
}
