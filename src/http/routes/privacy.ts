import { Type } from 'typebox';
import { eraseMember, exportFormatVersion, exportPersonalData, sectionsSchema } from '../../privacy/index.js';
import type { App, AppDeps } from '../app.js';
import { actorOf } from '../auth.js';
import { Instant, MemberIdParams, responses } from '../schemas.js';

const PersonalDataView = Type.Object({
  version: Type.Literal(exportFormatVersion, { description: 'The format of this document; raised when a section changes shape' }),
  exportedAt: Instant,
  memberId: Type.String(),
  program: Type.String(),
  sections: sectionsSchema(),
});

const ErasureBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "Why, for the record: a ticket number or how the request came in. Never the person's details: it is kept.",
    }),
  },
  { additionalProperties: false },
);

const ErasureView = Type.Object({ memberId: Type.String(), erasedAt: Instant });

export function privacyRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/members/:id/personal-data',
    {
      schema: {
        tags: ['privacy'],
        summary: "Everything we hold about a member, as JSON",
        description:
          'Grouped by section: profile, memberships, contracts, account links, status, log-in, access key, sign-ups, sessions, redemptions, step-up, ledger, events, orders, bills, enrolment bonuses, messages, contact preferences and the erasure record. Never a password, token or key hash. An erased member shows the pseudonymized state.',
        params: MemberIdParams,
        response: responses({ 200: PersonalDataView }, [401, 404]),
      },
    },
    async (request) => exportPersonalData(deps.db, request.params.id, { now: deps.clock.now() }),
  );

  app.post(
    '/v1/members/:id/erasure',
    {
      schema: {
        tags: ['privacy'],
        summary: "Erase a member's personal data (pseudonymize)",
        description:
          'In one transaction: the profile is nulled and the external id replaced by erased:…, the log-in, sessions, access key and account links are removed, shipping addresses, sign-ups and pending mail erased, and the membership ended. The ledger is untouched. Events with the old external id are then unknown_member; enrolling it again makes a new member. A second call answers the first result.',
        params: MemberIdParams,
        body: ErasureBody,
        response: responses({ 200: ErasureView }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const erasure = await eraseMember(deps.db, { memberId: request.params.id, reason: request.body.reason }, { now: deps.clock.now(), actor: actorOf(request) });
      request.log.info({ memberId: erasure.memberId, replayed: erasure.replayed }, 'member erased');
      return { memberId: erasure.memberId, erasedAt: erasure.erasedAt.toString() };
    },
  );
}
