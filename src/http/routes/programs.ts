import { Type } from 'typebox';
import type { Program } from '../../programs/index.js';
import type { App, AppDeps } from '../app.js';
import { responses } from '../schemas.js';

export const ProgramView = Type.Object({
  key: Type.String(),
  name: Type.String(),
  names: Type.Optional(Type.Object({ ja: Type.Optional(Type.String()), en: Type.Optional(Type.String()) })),
  timeZone: Type.String({ description: 'IANA time zone of every calendar rule of the program' }),
  currency: Type.String({ description: 'ISO 4217 currency a point is worth' }),
  pointValue: Type.Object(
    { points: Type.Integer(), amountMinor: Type.Integer() },
    { description: '`points` points are worth `amountMinor` minor units of `currency`' },
  ),
  fiscalYear: Type.Object({ startMonth: Type.Integer({ minimum: 1, maximum: 12 }) }),
  expiry: Type.Object(
    {
      policy: Type.Union([Type.Literal('none'), Type.Literal('rolling_months'), Type.Literal('fiscal_year_end')]),
      months: Type.Optional(Type.Integer()),
      endOf: Type.Optional(Type.String()),
      yearsAfter: Type.Optional(Type.Integer()),
    },
    { description: 'When earned points expire' },
  ),
});

export function toProgramView(program: Program) {
  return {
    key: program.key,
    name: program.name,
    ...(program.names ? { names: program.names } : {}),
    timeZone: program.timeZone,
    currency: program.currency,
    pointValue: program.pointValue,
    fiscalYear: { startMonth: program.fiscalYear?.startMonth ?? 1 },
    expiry: program.expiry,
  };
}

export function programRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'The programs loaded from their definitions',
        response: responses({ 200: Type.Array(ProgramView) }, [401]),
      },
    },
    async () => deps.programs.list().map(toProgramView),
  );
}
