import { assert } from '../errors.js';
import { isSuccess, type Exchange, type Identity, type SimRequest } from './http.js';
import { anonymousIdentity, operatorIdentity, type SingleStep, type Step } from './schema.js';
import { substitute, substituteText, SubstitutionError, type Names } from './substitute.js';

/**
 * What each kind of step sends: the request the API documents for it, with the simulator's own
 * keys (`as`, `key`, `member`, `name`) taken out and every other key sent as written.
 */

export interface StepContext {
  /** The scenario's default program. */
  program: string | undefined;
  names: Names & { members: Map<string, Record<string, unknown>>; values: Map<string, unknown> };
  /** Outbox message id → the step that read it: a mail step never reads a mail twice. */
  mailRead: Map<string, number>;
}

/** The request a step makes; undefined for a step that only checks. A repeat makes its instances' requests. */
export function requestFor(step: SingleStep, ctx: StepContext): SimRequest | undefined {
  const { names } = ctx;
  switch (step.kind) {
    case 'enrol': {
      const { as: _as, key, ...fields } = step.enrol;
      return {
        method: 'POST',
        path: `/v1/programs/${encode(programOf(step, ctx))}/members`,
        body: substitute(fields, names),
        ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
      };
    }
    case 'adjust': {
      const { member, key, points, reason, ...rest } = step.adjust;
      return {
        method: 'POST',
        path: `/v1/members/${encode(memberId(member, names))}/adjustments`,
        body: { points, reason: reason ?? step.title ?? `scenario step ${step.number}`, ...asRecord(substitute(rest, names)) },
        // Each step (each time of a repeat) is a request meant once; a scenario testing replays gives its own key.
        headers: { 'idempotency-key': key ?? (step.iteration === undefined ? `step-${step.number}` : `step-${step.number}.${step.iteration}`) },
      };
    }
    case 'events': {
      const events = step.events.map((event) => {
        const sent = asRecord(substitute(event, names));
        // `member: alice` is the member alice, named as upstream systems name members.
        return typeof event.member === 'string' ? { ...sent, member: { externalId: memberField(event.member, 'externalId', names) } } : sent;
      });
      return { method: 'POST', path: `/v1/programs/${encode(programOf(step, ctx))}/events`, body: { events } };
    }
    case 'clock':
      return { method: 'POST', path: '/v1/test-clock', body: { now: step.clock } };
    case 'job': {
      const { name, ...rest } = step.job;
      return {
        method: 'POST',
        path: `/v1/programs/${encode(programOf(step, ctx))}/jobs/${encode(name)}/runs`,
        body: substitute(rest, names),
      };
    }
    case 'request': {
      const { method, path, body, headers, as } = step.request;
      const substitutedHeaders = Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, substituteText(value, names)]));
      return {
        method,
        path: substituteText(path, names),
        ...(body === undefined ? {} : { body: substitute(body, names) }),
        ...(headers === undefined ? {} : { headers: substitutedHeaders }),
        ...(as === undefined ? {} : { as: identityOf(as, names) }),
      };
    }
    case 'mail':
    case 'expect':
      return undefined;
  }
}

/** `as:` of a request: operator, anonymous, or a session token written as one placeholder (check.ts makes sure). */
function identityOf(as: string, names: Names): Identity {
  if (as === operatorIdentity) return { kind: 'operator' };
  if (as === anonymousIdentity) return { kind: 'anonymous' };
  const token = substitute(as, names);
  if (typeof token !== 'string' || token === '') {
    throw new SubstitutionError(`request.as ${as} is ${JSON.stringify(token)}, not a session token (remember one: remember: { session: "{lastResponse.body.token}" })`);
  }
  return { kind: 'session', token, written: as };
}

/** After the request: an enrol that succeeded remembers its member under `as`. */
export function rememberMember(step: SingleStep, exchange: Exchange, ctx: StepContext): void {
  if (step.kind !== 'enrol' || step.enrol.as === undefined || !isSuccess(exchange.status)) return;
  const member = exchange.body;
  assert(isRecord(member) && typeof member.id === 'string', 'an enrol answers the member with its id');
  ctx.names.members.set(step.enrol.as, member);
}

/**
 * After a step passed: its `remember:` values, each substituted as the step left things (its own
 * response as `{lastResponse…}`, its own mail as `{lastMail…}`). All are worked out before any is
 * kept, so a name remembered here cannot be used in the same mapping; a failure keeps none.
 */
export function rememberValues(step: SingleStep, ctx: StepContext): void {
  if (step.remember === undefined) return;
  const kept = Object.entries(step.remember).map(([name, value]) => [name, substitute(value, ctx.names)] as const);
  for (const [name, value] of kept) ctx.names.values.set(name, value);
}

/** The step as the report names it when it has no title. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'enrol':
      return `enrol ${step.enrol.as ?? step.enrol.externalId}`;
    case 'adjust':
      return `adjust ${step.adjust.member} ${step.adjust.points > 0 ? '+' : ''}${step.adjust.points}`;
    case 'events': {
      const ids = step.events.map((event) => event.id);
      return `events ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;
    }
    case 'clock':
      return `clock → ${step.clock}`;
    case 'job':
      return `job ${step.job.name}`;
    case 'request':
      return `${step.request.method} ${step.request.path}${step.request.as === undefined || step.request.as === operatorIdentity ? '' : ` as ${step.request.as}`}`;
    case 'mail':
      return `mail to ${step.mail.to}${step.mail.template === undefined ? '' : ` (${step.mail.template})`}`;
    case 'repeat': {
      const { times, from = 1 } = step.repeat;
      const first = step.instances[0];
      return `repeat ${times} × (i = ${from}…${from + times - 1})${first ? `: ${describeStep(first)}, …` : ''}`;
    }
    case 'expect': {
      const { balance, transactions } = step.expect;
      const parts = [balance && `balance of ${balance.member}`, transactions && `transactions of ${transactions.member}`];
      return `expect ${parts.filter((part) => part !== undefined).join(', ') || 'nothing'}`;
    }
  }
}

export function memberId(alias: string, names: Names): string {
  return memberField(alias, 'id', names);
}

function memberField(alias: string, field: string, names: Names): string {
  const member = names.members.get(alias);
  if (!member) throw new SubstitutionError(`no member is remembered as "${alias}" (did its enrol step fail?)`);
  const value = member[field];
  assert(typeof value === 'string', `a member view has a text ${field}`);
  return value;
}

function programOf(step: Step, ctx: StepContext): string {
  const program = 'program' in step ? (step.program ?? ctx.program) : ctx.program;
  assert(program !== undefined, 'the loader refuses a program step without a program');
  return program;
}

const encode = (segment: string) => encodeURIComponent(segment);

function asRecord(value: unknown): Record<string, unknown> {
  assert(isRecord(value), 'substitution keeps a mapping a mapping');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
