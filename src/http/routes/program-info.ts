import { Type } from 'typebox';
import { programName, type Program } from '../../programs/index.js';
import { billCreditUsage } from '../../redemption/index.js';
import type { App, AppDeps } from '../app.js';
import { memberWithProgram, programOrRefuse } from '../lookups.js';
import { MemberIdParams, nullable, responses } from '../schemas.js';

const SignUpKind = Type.Union([Type.Literal('access_key'), Type.Literal('registered_email'), Type.Literal('easy')]);

/** What the portal shows before anyone logs in: nothing about members, nothing an operator set up for staff. */
const PortalView = Type.Object({
  key: Type.String(),
  names: Type.Object({ ja: Type.String(), en: Type.String() }, { description: "The program's name in each language (its `name` where the definition gives none)" }),
  signUp: Type.Array(SignUpKind, { description: 'FL-1: the ways this program lets members get a log-in; empty when it offers none' }),
  currency: Type.String(),
  pointValue: Type.Object({ points: Type.Integer(), amountMinor: Type.Integer() }),
  billCredit: nullable(Type.Object({ step: Type.Integer(), monthlyCap: Type.Integer() }, { description: 'FL-4: points go in `step`s, at most `monthlyCap` a billing month' })),
});

const BillCreditView = Type.Object({
  billingMonth: Type.String({ description: 'YYYY-MM: the program-zone month of now, which a bill credit applied now is billed in' }),
  step: Type.Integer(),
  monthlyCap: Type.Integer(),
  used: Type.Integer({ description: 'Points applied as bill credit this billing month' }),
  left: Type.Integer({ description: 'monthlyCap − used (never below 0)' }),
});

function toPortalView(program: Program) {
  const billCredit = program.redemption?.billCredit;
  return {
    key: program.key,
    names: { ja: programName(program, 'ja'), en: programName(program, 'en') },
    signUp: [...(program.accounts?.signUp ?? [])],
    currency: program.currency,
    pointValue: program.pointValue,
    billCredit: billCredit ? { step: billCredit.step, monthlyCap: billCredit.monthlyCap } : null,
  };
}

export function programInfoRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs/:program/portal',
    {
      schema: {
        tags: ['programs'],
        summary: "What the member portal shows of a program before log-in",
        description: 'Public: the names, the sign-up kinds offered (FL-1) and the bill-credit step and cap (FL-4), so the portal holds no program knowledge of its own.',
        security: [],
        params: Type.Object({ program: Type.String({ maxLength: 64 }) }),
        response: responses({ 200: PortalView }, [404]),
      },
    },
    async (request) => toPortalView(programOrRefuse(deps, request.params.program)),
  );

  app.get(
    '/v1/members/:id/bill-credit',
    {
      schema: {
        tags: ['redemption'],
        summary: "FL-4: the member's bill credit this billing month: step, cap, used and left",
        description: 'What the next bill-credit redemption is checked against, as of now; the redemption itself decides (422 over_limit).',
        params: MemberIdParams,
        response: responses({ 200: BillCreditView }, [401, 403, 404, 422]),
      },
    },
    async (request) => {
      const { member, program } = await memberWithProgram(deps, request.params.id);
      return billCreditUsage(deps.db, program, member.id, deps.clock.now());
    },
  );
}
