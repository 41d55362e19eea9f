import { Type, type TSchema } from 'typebox';

/** Shared pieces of the OpenAPI document. Response schemas are allow-lists: nothing else is serialised. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable refusal code; see docs/errors.md' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemRef = Type.Ref('Problem');

/** Objects that refuse keys they do not name: request bodies and query strings. */
export const closed = { additionalProperties: false } as const;

/** A value or null: what a response field is when there is none. */
export const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Responses of a route: its success schemas plus problem+json for every listed error status. */
export function responses(success: Record<number, TSchema>, errorStatuses: number[]): Record<number, TSchema> {
  const errors = Object.fromEntries(errorStatuses.map((status) => [status, problemRef]));
  return { ...success, ...errors };
}

export const MemberIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Member id (mbr_…)' }),
});

export const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant with offset' });

export const IdempotencyKeyHeader = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'Unique per request you mean once; a retry with the same key and body gets the first response',
});
