import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { refusal } from '../../errors.js';
import type { Program } from '../../programs/index.js';
import {
  drawOpensAt,
  drawOfPeriod,
  drawPeriod,
  enter,
  entrantFacts,
  entryOf,
  excludeEntry,
  getDrawReport,
  listMemberEntries,
  listPeriodEntries,
  periodAt,
  prizeOptions,
  publishedDraw,
  readPeriod,
  runsIn,
  suspectedDuplicates,
  verifyDraw,
  windowOf,
  awardAt,
  type Entry,
  type MemberEntry,
  type SweepstakesDefinition,
} from '../../sweepstakes/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf, principalOf } from '../auth.js';
import { clientCountry } from '../client-country.js';
import { memberWithProgram, programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, Instant, MemberIdParams, nullable, responses } from '../schemas.js';
import { DrawReportView, EntryView, MemberEntryView, OptionsView, PeriodView, SweepstakesView, VerificationView } from './sweepstakes-views.js';

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'A period: YYYY-MM in the program time zone' });
const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }) });

/** The sweepstakes named in a path, with its program; 404 unknown_sweepstakes otherwise. */
export function sweepstakesOrRefuse(deps: AppDeps, key: string): { program: Program; definition: SweepstakesDefinition } {
  for (const program of deps.programs.list()) {
    const definition = program.sweepstakes?.find((s) => s.key === key);
    if (definition) return { program, definition };
  }
  throw refusal('unknown_sweepstakes', `There is no sweepstakes "${key}"`);
}

export function sweepstakesRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs/:program/sweepstakes',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: "The program's sweepstakes, with the current period",
        description: 'Public, like the campaign page: names, prizes, entry windows and the current period\'s commitment.',
        params: Type.Object({ program: Type.String() }),
        response: responses({ 200: Type.Array(SweepstakesView) }, [404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const now = deps.clock.now();
      return Promise.all((program.sweepstakes ?? []).map((definition) => sweepstakesView(deps, program, definition, now)));
    },
  );

  app.get(
    '/v1/sweepstakes/:key',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'One sweepstakes: prizes, how to enter, the draw schedule and the current period',
        params: KeyParams,
        response: responses({ 200: SweepstakesView }, [404]),
      },
    },
    async (request) => {
      const { program, definition } = sweepstakesOrRefuse(deps, request.params.key);
      return sweepstakesView(deps, program, definition, deps.clock.now());
    },
  );

  app.get(
    '/v1/sweepstakes/:key/periods/:period',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: "A period's window, commitment and — once drawn — its seed and draw",
        description: 'The commitment (SHA-256 of the seed) is published when the period opens; the seed only with the draw, so the ranking can be checked (docs/sweepstakes.md).',
        params: Type.Object({ key: KeyParams.properties.key, period: Month }),
        response: responses({ 200: PeriodView }, [400, 404]),
      },
    },
    async (request) => {
      const { program, definition } = sweepstakesOrRefuse(deps, request.params.key);
      return periodView(deps, program, definition, request.params.period);
    },
  );

  app.post(
    '/v1/sweepstakes/:key/entries',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'Enter the current period (the member, logged in)',
        description:
          'SU-6: one allowed prize, to the registered postal address (snapshotted with the entry). Refusals: window_closed, country_not_allowed, not_eligible (with the failed gate), ' +
          'postal_address_required, entry_link_invalid, already_entered (SU-12: the first entry counts; the attempt is recorded). Entries cannot be cancelled (SU-13). ' +
          '`link` is the token of the personal link emailed for a status-up month (SU-5).',
        params: KeyParams,
        body: Type.Object(
          {
            member: Type.String({ minLength: 1, maxLength: 64, description: 'The logged-in member (mbr_…)' }),
            prize: Type.String({ minLength: 1, maxLength: 8 }),
            link: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
          },
          { ...closed, examples: [{ member: 'mbr_01jabc', prize: 'A' }] },
        ),
        response: responses({ 201: EntryView }, [400, 401, 403, 404, 422]),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { program, definition } = sweepstakesOrRefuse(deps, request.params.key);
      // Only members enter, for themselves and in their own program (SU-11: the points go to this id).
      if (principal.kind !== 'member' || principal.memberId !== request.body.member) throw refusal('not_found', `There is no member ${request.body.member}`);
      if (principal.program !== program.key) {
        const reason = { rule: 'program', code: 'other_program', message: { ja: `${definition.names.ja}は${program.key}の会員さまが対象です`, en: `${definition.names.en} is for members of ${program.key}` } };
        throw refusal('not_eligible', reason.message.en, { prize: request.body.prize, gate: 'program', reasons: [reason] });
      }
      const country = clientCountry(request, definition.countries?.trustedHeader, deps.countries);
      const entry = await enter(deps.db, program, definition, { memberId: principal.memberId, prize: request.body.prize, link: request.body.link, country }, { now: deps.clock.now(), actor: principal.actor });
      return reply.code(201).send(entryView(entry));
    },
  );

  app.get(
    '/v1/sweepstakes/:key/entries',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: "A period's entries, oldest first (operators)",
        params: KeyParams,
        querystring: Type.Object(
          {
            period: Month,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
          },
          closed,
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(EntryView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const { definition } = sweepstakesOrRefuse(deps, request.params.key);
      const after = decodeCursor(request.query.cursor, entryIdPattern);
      const page = await keysetPage(request.query.limit ?? 100, (rows) => listPeriodEntries(deps.db, definition.key, request.query.period, after, rows));
      return { items: page.items.map(entryView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/sweepstakes/:key/duplicates',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'SU-12: entries of a period by members who share an email, a phone or a postal address',
        description: 'Suspected duplicates of one person, grouped by what they share (shown as a hash); exclude entries with POST …/entries/{entryId}/exclusion.',
        params: KeyParams,
        querystring: Type.Object({ period: Month }, closed),
        response: responses(
          {
            200: Type.Array(
              Type.Object({
                matchedOn: Type.Union([Type.Literal('email'), Type.Literal('phone'), Type.Literal('postal_address')]),
                valueHash: Type.String(),
                entries: Type.Array(Type.Object({ id: Type.String(), memberId: Type.String(), prize: Type.String(), enteredAt: Instant, excluded: Type.Boolean() })),
              }),
            ),
          },
          [400, 401, 403, 404],
        ),
      },
    },
    async (request) => {
      const { definition } = sweepstakesOrRefuse(deps, request.params.key);
      return suspectedDuplicates(deps.db, definition.key, request.query.period);
    },
  );

  app.post(
    '/v1/sweepstakes/:key/entries/:entryId/exclusion',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'SU-12: exclude an entry from draws, with the reason (suspected duplicate person, fraud)',
        description: 'Recorded once (entry_already_excluded after). A draw already run keeps its result; draws after it skip the entry.',
        params: Type.Object({ key: KeyParams.properties.key, entryId: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, closed),
        response: responses({ 200: EntryView }, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const { definition } = sweepstakesOrRefuse(deps, request.params.key);
      const entry = await excludeEntry(deps.db, definition.key, request.params.entryId, request.body.reason, { now: deps.clock.now(), actor: actorOf(request) });
      return entryView(entry);
    },
  );

  app.post(
    '/v1/sweepstakes/:key/draws',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'Draw a period (SU-8): winners and alternates per prize, exclusions re-checked, the seed revealed',
        description: 'Refused before the draw month (draw_too_early) and for a period already drawn (draw_already_run). Winners are credited on the award date by the nightly sweepstakes job.',
        params: KeyParams,
        body: Type.Object({ period: Month }, closed),
        response: responses({ 201: DrawReportView }, [400, 401, 403, 404, 409]),
      },
    },
    async (request, reply) => {
      const { program, definition } = sweepstakesOrRefuse(deps, request.params.key);
      const report = await drawPeriod(deps.db, program, definition, request.body.period, { now: deps.clock.now(), actor: actorOf(request) });
      return reply.code(201).send(report);
    },
  );

  app.get(
    '/v1/sweepstakes/:key/draws/:drawId',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'A draw report: entries and winners per prize, exclusions by reason, seed and commitment',
        params: Type.Object({ key: KeyParams.properties.key, drawId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: DrawReportView }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { definition } = sweepstakesOrRefuse(deps, request.params.key);
      const report = await getDrawReport(deps.db, request.params.drawId);
      if (!report || report.sweepstakes !== definition.key) throw refusal('not_found', `${definition.key} has no draw ${request.params.drawId}`);
      return report;
    },
  );

  app.get(
    '/v1/sweepstakes/:key/draws/:drawId/verification',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'Re-runs a draw from its revealed seed, its commitment and every entry of the period, as `pointbook sweepstakes verify` does',
        description: 'ok is true when the seed hashes to the commitment and the same entries, ranked by HMAC(seed, entry id), give the same winners and alternates per prize; problems say what differs.',
        params: Type.Object({ key: KeyParams.properties.key, drawId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: responses({ 200: VerificationView }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { definition } = sweepstakesOrRefuse(deps, request.params.key);
      const published = await publishedDraw(deps.db, request.params.drawId);
      if (!published || published.report.sweepstakes !== definition.key) throw refusal('not_found', `${definition.key} has no draw ${request.params.drawId}`);
      const verification = await verifyDraw(published);
      return { drawId: request.params.drawId, ...verification, seed: published.seed, commitment: published.commitment, entries: published.entries.length };
    },
  );

  app.get(
    '/v1/members/:id/sweepstakes-entries',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: "The member's entries, newest first, with each period's result",
        params: MemberIdParams,
        response: responses({ 200: Type.Array(MemberEntryView) }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { member } = await memberWithProgram(deps, request.params.id);
      return (await listMemberEntries(deps.db, member.id)).map(memberEntryView);
    },
  );

  app.get(
    '/v1/members/:id/sweepstakes',
    {
      schema: {
        tags: ['sweepstakes'],
        summary: 'What the member may enter now: each sweepstakes of their program, its prizes allowed or not (with reasons), and the address prizes go to',
        params: MemberIdParams,
        response: responses({ 200: Type.Array(OptionsView) }, [401, 403, 404]),
      },
    },
    async (request) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      const now = deps.clock.now();
      const period = periodAt(program, now);
      const facts = await entrantFacts(deps.db, member, period, now);
      const views = [];
      for (const definition of program.sweepstakes ?? []) {
        const window = windowOf(definition, program, period);
        const open = runsIn(definition, period) && now.epochNanoseconds >= window.opensAt.epochNanoseconds;
        const entered = await entryOf(deps.db, member.id, definition.key, period);
        views.push({
          sweepstakes: definition.key,
          names: definition.names,
          period,
          open,
          opensAt: window.opensAt.toString(),
          closesAt: window.closesAt.toString(),
          enteredEntryId: entered?.id ?? null,
          postalAddress: member.postalAddress,
          dataUse: definition.dataUse,
          prizes: prizeOptions(definition, program, facts, period, 'web').map((option) => ({
            key: option.prize.key,
            names: option.prize.names,
            points: option.prize.points,
            allowed: option.allowed,
            reasons: option.allowed ? [] : option.reasons,
          })),
        });
      }
      return views;
    },
  );
}

async function sweepstakesView(deps: AppDeps, program: Program, definition: SweepstakesDefinition, now: Temporal.Instant) {
  const period = periodAt(program, now);
  return {
    key: definition.key,
    program: program.key,
    names: definition.names,
    prizes: definition.prizes.map((p) => ({ key: p.key, names: p.names, points: p.points, winners: p.winners, channels: p.channels })),
    participationPoints: definition.participation?.points ?? 0,
    firstPeriod: definition.periods.first ?? null,
    lastPeriod: definition.periods.last ?? null,
    countries: definition.countries?.allowed ?? null,
    dataUse: definition.dataUse,
    currentPeriod: await periodView(deps, program, definition, period),
  };
}

async function periodView(deps: AppDeps, program: Program, definition: SweepstakesDefinition, period: string) {
  const window = windowOf(definition, program, period);
  const opened = await readPeriod(deps.db, definition.key, period);
  const draw = opened ? await drawOfPeriod(deps.db, definition.key, period) : undefined;
  return {
    period,
    takesEntries: runsIn(definition, period),
    opensAt: window.opensAt.toString(),
    closesAt: window.closesAt.toString(),
    drawOpensAt: drawOpensAt(definition, program, period).toString(),
    awardAt: awardAt(definition, program, period).toString(),
    commitment: opened?.commitment ?? null,
    seed: draw ? draw.seed : null,
    drawId: draw?.id ?? null,
  };
}

const entryIdPattern = /^swe_[0-9a-z]{26}$/u;

function entryView(entry: Entry) {
  return {
    id: entry.id,
    memberId: entry.memberId,
    sweepstakes: entry.sweepstakes,
    period: entry.period,
    prize: entry.prize,
    channel: entry.channel,
    enteredAt: entry.enteredAt.toString(),
    postalAddress: entry.postalAddress,
    country: entry.country,
    dataUse: entry.dataUse,
    participationReward: entry.participationReward && {
      points: entry.participationReward.points,
      dueAt: entry.participationReward.dueAt.toString(),
      transactionId: entry.participationReward.transactionId,
    },
    exclusion: entry.exclusion && { reason: entry.exclusion.reason, by: entry.exclusion.by, at: entry.exclusion.at.toString() },
  };
}

function memberEntryView(entry: MemberEntry) {
  const { result } = entry;
  return {
    ...entryView(entry),
    result:
      result.status === 'won'
        ? { ...result, awardAt: result.awardAt.toString(), awardedAt: result.awardedAt?.toString() ?? null }
        : result,
  };
}

