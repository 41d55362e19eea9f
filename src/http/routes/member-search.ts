import { Type } from 'typebox';
import { searchMembers } from '../../members/index.js';
import type { App, AppDeps } from '../app.js';
import { programOrRefuse } from '../lookups.js';
import { decodeCursor, keysetPage } from '../pagination.js';
import { closed, Instant, nullable, responses } from '../schemas.js';

/** What a result shows: the member page's own fields that tell people apart, and no more. */
const FoundMemberView = Type.Object({
  id: Type.String({ description: 'mbr_…' }),
  externalId: Type.String(),
  name: nullable(Type.String()),
  email: nullable(Type.String()),
  phone: nullable(Type.String()),
  joinedAt: Instant,
  matchedOn: Type.Array(Type.Union([Type.Literal('externalId'), Type.Literal('email'), Type.Literal('phone')]), {
    description: 'Which of the member\'s identifiers equals the query',
  }),
});

/**
 * The query is an email or a phone number, and the log never holds those (RELIABILITY I3): this
 * route's requests are logged by path alone. (A proxy in front logs what it logs: see docs/security.md.)
 */
const logSerializers = {
  req: (request: { method: string; url: string; host?: string; ip?: string }) => ({
    method: request.method,
    url: request.url.split('?')[0],
    host: request.host,
    remoteAddress: request.ip,
  }),
};

export function memberSearchRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/v1/programs/:program/members',
    {
      logSerializers,
      schema: {
        tags: ['members'],
        summary: 'Find members by external id, email or phone (exact)',
        description:
          'Operators find the member a caller or a ticket names. The query is compared exactly with the external id, and, ' +
          'normalised as the member domain does (full-width characters, case, spaces; a phone by its digits, +81 as 0), with the email and the phone. ' +
          'No partial matches. Paged in member-id order.',
        params: Type.Object({ program: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          {
            query: Type.String({ minLength: 1, maxLength: 254, description: 'An external id, an email or a phone number, as written' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          closed,
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(FoundMemberView), nextCursor: nullable(Type.String()) }) }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const program = programOrRefuse(deps, request.params.program);
      const after = decodeCursor(request.query.cursor, /^mbr_[0-9a-z]{26}$/);
      const page = await keysetPage(request.query.limit ?? 20, async (limit) => {
        const found = await searchMembers(deps.db, { program: program.key, query: request.query.query, after, limit });
        return found.map((f) => ({ ...f, id: f.member.id }));
      });
      return {
        items: page.items.map(({ member, matchedOn }) => ({
          id: member.id,
          externalId: member.externalId,
          name: member.name,
          email: member.email,
          phone: member.phone,
          joinedAt: member.joinedAt.toString(),
          matchedOn,
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
}
