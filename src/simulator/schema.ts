import { Type, type Static, type TSchema } from 'typebox';

/**
 * The shape of a scenario file (docs/simulator.md). The simulator checks the keys it reads itself
 * (aliases, idempotency keys, clock instants, expectations); everything else in a step goes to the
 * API as written, so the API stays the one judge of its own bodies.
 */

const closed = { additionalProperties: false } as const;
const open = { additionalProperties: true } as const;

/** A remembered member: `as: alice`, used as `member: alice` and `{alice}`. */
export const aliasPattern = '^[A-Za-z_][A-Za-z0-9_-]*$';
/** The root of `{lastResponse.body.x}`; no member may take its name. */
export const lastResponseName = 'lastResponse';
/** The root of `{lastMail.key}`: the mail the latest mail step read; no member may take its name. */
export const lastMailName = 'lastMail';

/** A scenario is a page or two of YAML; these bounds catch a runaway file, not a real one. */
export const limits = {
  fileBytes: 256 * 1024,
  steps: 2000,
  eventsPerStep: 1000,
  /** A repeat step sends one request per time; 5,000 keeps a scenario to a minute or so. */
  repeatTimes: 5000,
  rememberedPerStep: 20,
} as const;

/** The iteration number inside a repeat step (`{i}`); no member may take its name. */
export const iterationName = 'i';

/** Names the simulator gives meaning to: no member or remembered value may take them. */
export const reservedNames: readonly string[] = [lastResponseName, lastMailName, iterationName];

/** Who a `request` acts as, besides a token written as one placeholder (`as: "{rikuSession}"`). */
export const operatorIdentity = 'operator';
export const anonymousIdentity = 'anonymous';

const Alias = Type.String({ pattern: aliasPattern, maxLength: 64 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255 });

export const BalanceExpectation = Type.Object(
  {
    member: Alias,
    /** Ask for the balance as it will stand then (GET …/balance?asOf=). */
    asOf: Type.Optional(Text(64)),
    available: Type.Optional(Type.Integer()),
    pending: Type.Optional(Type.Integer()),
    expiring: Type.Optional(Type.Unknown()),
  },
  closed,
);

export const TransactionsExpectation = Type.Object(
  {
    member: Alias,
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Matched against the list the API gives, newest first. */
    items: Type.Optional(Type.Unknown()),
  },
  closed,
);

/** Checks of the world after a step, each made through the API. */
const stateChecks = {
  balance: Type.Optional(BalanceExpectation),
  transactions: Type.Optional(TransactionsExpectation),
};

/** Checks of the response to the step's own request, and of the world after it. */
const responseChecks = {
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  /** The problem+json `code` of a refusal: sugar for `body: { code }`. */
  code: Type.Optional(Text(100)),
  body: Type.Optional(Type.Unknown()),
  headers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ...stateChecks,
};

export const StateExpectation = Type.Object(stateChecks, closed);
export const ResponseExpectation = Type.Object(responseChecks, closed);
/** Events answer one result per event; `results` is sugar for `body: { results }`. */
export const EventsExpectation = Type.Object({ ...responseChecks, results: Type.Optional(Type.Unknown()) }, closed);

/**
 * Values kept for later steps under a name: `remember: { rikuKey: "{lastMail.key}" }`, used as
 * `{rikuKey}`. Evaluated after the step passed, so `{lastResponse…}` and `{lastMail…}` there are the
 * step's own. check.ts checks the names (a member's name or a reserved one is refused).
 */
export const Remember = Type.Record(Type.String(), Type.Unknown(), { minProperties: 1, maxProperties: limits.rememberedPerStep });

const common = { title: Type.Optional(Text(300)), remember: Type.Optional(Remember) };
/** Steps that act on a program may name another than the scenario's. */
const programScoped = { ...common, program: Type.Optional(Text(64)) };

const step = <Props extends Record<string, TSchema>>(properties: Props) => Type.Object(properties, closed);

export const EnrolStep = step({
  ...programScoped,
  enrol: Type.Object({ as: Type.Optional(Alias), key: Type.Optional(IdempotencyKey), externalId: Text(128) }, open),
  expect: Type.Optional(ResponseExpectation),
});

export const AdjustStep = step({
  ...common,
  adjust: Type.Object(
    { member: Alias, key: Type.Optional(IdempotencyKey), points: Type.Integer(), reason: Type.Optional(Text(500)) },
    open,
  ),
  expect: Type.Optional(ResponseExpectation),
});

/** `member` may be an alias (sent as `{externalId}` of that member) or the API's own reference. */
export const ScenarioEvent = Type.Object({ id: Text(200), type: Text(100), member: Type.Optional(Type.Unknown()) }, open);

export const EventsStep = step({
  ...programScoped,
  events: Type.Array(ScenarioEvent, { minItems: 1, maxItems: limits.eventsPerStep }),
  expect: Type.Optional(EventsExpectation),
});

export const ClockStep = step({ ...common, clock: Text(64), expect: Type.Optional(ResponseExpectation) });

export const JobStep = step({
  ...programScoped,
  job: Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 }) }, open),
  expect: Type.Optional(ResponseExpectation),
});

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const RequestStep = step({
  ...common,
  request: Type.Object(
    {
      method: Type.Enum([...httpMethods]),
      path: Type.String({ pattern: '^/', maxLength: 2000 }),
      body: Type.Optional(Type.Unknown()),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
      /** `operator` (the default), `anonymous` (no Authorization), or a session token as one placeholder. */
      as: Type.Optional(Text(200)),
    },
    closed,
  ),
  expect: Type.Optional(ResponseExpectation),
});

/** What a mail step's `expect` may check of the mail it read (docs/simulator.md, "mail"). */
export const MailExpectation = Type.Object(
  {
    to: Type.Optional(Type.Unknown()),
    template: Type.Optional(Type.Unknown()),
    subject: Type.Optional(Type.Unknown()),
    body: Type.Optional(Type.Unknown()),
    link: Type.Optional(Type.Unknown()),
    token: Type.Optional(Type.Unknown()),
    key: Type.Optional(Type.Unknown()),
    status: Type.Optional(Type.Unknown()),
    ...stateChecks,
  },
  closed,
);

/**
 * The newest message of the outbox to an address (of a template, if given) that no earlier mail
 * step read: the email a member would find, as `{lastMail.subject}`, `{lastMail.token}`, ….
 */
export const MailStep = step({
  ...common,
  mail: Type.Object({ to: Text(254), template: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 })) }, closed),
  expect: Type.Optional(MailExpectation),
});

/**
 * The same step `times` times, `{i}` in it standing for from, from + 1, …: 1,000 enrolments for a
 * cap, a year of monthly events. Its own `expect` checks the world after the last time.
 */
export const RepeatStep = step({
  // No `remember`: it would keep the last time's value only; a repeated step may not have one either.
  title: common.title,
  repeat: Type.Object(
    {
      times: Type.Integer({ minimum: 1, maximum: limits.repeatTimes }),
      from: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
      step: Type.Record(Type.String(), Type.Unknown()),
    },
    closed,
  ),
  expect: Type.Optional(StateExpectation),
});

/** The kinds a repeat may repeat: those that make one request each time. */
export const repeatableKinds = ['enrol', 'adjust', 'events', 'job', 'request'] as const satisfies readonly StepKind[];

/** A step that only checks must check something. */
export const ExpectStep = step({ ...common, expect: Type.Object(stateChecks, { ...closed, minProperties: 1 }) });

/** Every step does one of these; the key it has names its kind. */
export const stepSchemas = {
  enrol: EnrolStep,
  adjust: AdjustStep,
  events: EventsStep,
  clock: ClockStep,
  job: JobStep,
  request: RequestStep,
  mail: MailStep,
  repeat: RepeatStep,
  expect: ExpectStep,
} as const;

export type StepKind = keyof typeof stepSchemas;
/** The keys that make a step act; a step with none of them and an `expect` only checks. */
export const actionKinds = ['enrol', 'adjust', 'events', 'clock', 'job', 'request', 'mail', 'repeat'] as const satisfies readonly StepKind[];
/** Kinds whose request goes to a program, so they need one. */
export const programKinds: readonly StepKind[] = ['enrol', 'events', 'job'];

export const ScenarioHead = Type.Object(
  {
    name: Text(300),
    program: Type.Optional(Text(64)),
    programs: Type.Optional(Text(1000)),
    start: Text(64),
    steps: Type.Array(Type.Unknown(), { minItems: 1, maxItems: limits.steps }),
  },
  closed,
);

/** One checked step, tagged with its kind and where it is written. */
type Tagged<K extends StepKind> = { kind: K } & StepTag & Static<(typeof stepSchemas)[K]>;
type SingleKind = Exclude<StepKind, 'repeat'>;
/** A step that makes at most one request. */
export type SingleStep = { [K in SingleKind]: Tagged<K> }[SingleKind];
/** A repeat, with the step it repeats made once per `i` (each tagged with its iteration). */
export type RepeatStepData = Tagged<'repeat'> & { instances: SingleStep[] };
export type Step = SingleStep | RepeatStepData;

export interface StepTag {
  number: number;
  line: number;
  /** Set on a step a repeat made: its `i`. */
  iteration?: number;
}


export type ResponseExpectationData = Static<typeof EventsExpectation>;
export type BalanceExpectationData = Static<typeof BalanceExpectation>;
export type TransactionsExpectationData = Static<typeof TransactionsExpectation>;
export type MailExpectationData = Static<typeof MailExpectation>;

export interface Scenario {
  file: string;
  name: string;
  program: string | undefined;
  /** Resolved against the scenario's folder; undefined means the runner's default. */
  programsDir: string | undefined;
  start: string;
  steps: Step[];
}
