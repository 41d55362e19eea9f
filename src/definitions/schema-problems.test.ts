import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { schemaProblems, shown, type DefinitionPath, type DefinitionProblem, type Wording } from './index.js';

const Example = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 5 }),
    code: Type.Optional(Type.String({ minLength: 3 })),
    slug: Type.Optional(Type.String({ pattern: '^[a-z]+$' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    rate: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    kind: Type.Optional(Type.Literal('fixed')),
    unit: Type.Optional(Type.Enum(['day', 'month'])),
    tags: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 2 })),
    pair: Type.Optional(Type.Array(Type.Integer(), { minItems: 2 })),
    check: Type.Optional(
      Type.Object({ balance: Type.Optional(Type.Integer()), count: Type.Optional(Type.Integer()) }, { minProperties: 1, additionalProperties: false }),
    ),
    byType: Type.Optional(Type.Record(Type.String(), Type.Integer(), { minProperties: 1 })),
    steps: Type.Optional(Type.Array(Type.Object({ points: Type.Integer() }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

/** As programs read: dotted paths, unknown keys named by their whole path, sentences for patterns. */
const wholePath: Wording = {
  pathName: (path: DefinitionPath) => (path.length === 0 ? 'the example' : path.join('.')),
  keys: 'whole-path',
  patternReasons: { '^[A-Z]{3}$': 'must be three capital letters, like "JPY"' },
};
/** As scenarios read: the parent first, then the key. */
const afterParent: Wording = { ...wholePath, keys: 'after-parent', patternReasons: undefined };

const problems = (value: unknown, wording = wholePath, prefix: DefinitionPath = []): DefinitionProblem[] =>
  schemaProblems(Example, value, prefix, wording);

describe('schemaProblems says what to write instead', () => {
  const cases: [name: string, extra: Record<string, unknown>, path: DefinitionPath, message: string][] = [
    ['a wrong type', { count: 'many' }, ['count'], 'count "many" must be a whole number'],
    ['a number where text belongs, with the quotes that fix it', { name: 123 }, ['name'], 'name 123 must be a text (quote it: "123")'],
    ['true where text belongs', { code: true }, ['code'], 'code true must be a text (quote it: "true")'],
    ['a mapping where a number belongs, without showing it', { count: { a: 1 } }, ['count'], 'count must be a whole number'],
    ['a number below its minimum', { count: 0 }, ['count'], 'count 0 must be >= 1'],
    ['a number above its maximum', { count: 13 }, ['count'], 'count 13 must be <= 12'],
    ['a number at an exclusive minimum', { rate: 0 }, ['rate'], 'rate 0 must be > 0'],
    ['an empty text', { name: '' }, ['name'], 'name "" must not be empty'],
    ['a text too short', { code: 'ab' }, ['code'], 'code "ab" must be at least 3 characters'],
    ['a text too long', { name: 'abcdef' }, ['name'], 'name "abcdef" must be at most 5 characters'],
    ['a pattern without a sentence', { slug: 'AB' }, ['slug'], 'slug "AB" must match ^[a-z]+$'],
    ['a pattern with a sentence', { currency: 'yen' }, ['currency'], 'currency "yen" must be three capital letters, like "JPY"'],
    ['another value than the one allowed', { kind: 'open' }, ['kind'], 'kind "open" must be "fixed"'],
    ['a value outside an enum', { unit: 'week' }, ['unit'], 'unit "week" must be one of: day, month'],
    ['too few items, one', { tags: [] }, ['tags'], 'tags must have at least 1 item'],
    ['too few items, several', { pair: [1] }, ['pair'], 'pair must have at least 2 items'],
    ['too many items', { tags: ['a', 'b', 'c'] }, ['tags'], 'tags must have at most 2 items'],
    ['a mapping naming none of its keys', { check: {} }, ['check'], 'check must name at least 1 of: balance, count'],
    ['an empty mapping of free keys', { byType: {} }, ['byType'], 'byType must have at least 1 key'],
    ['a wrong value in a list, with its index', { steps: [{ points: 'x' }] }, ['steps', 0, 'points'], 'steps.0.points "x" must be a whole number'],
  ];
  for (const [name, extra, path, message] of cases) {
    it(name, () => assert.deepEqual(problems({ name: 'x', ...extra }), [{ path, message }]));
  }

  it('names the whole definition when it is not a mapping', () => {
    assert.deepEqual(problems(null), [{ path: [], message: 'the example null must be a mapping' }]);
  });

  it('shows long text cut at 60 characters', () => {
    const [problem] = problems({ name: 'x'.repeat(80) });
    assert.equal(problem?.message, `name "${'x'.repeat(60)}…" must be at most 5 characters`);
  });

  it('puts the prefix before every path, for a part checked on its own', () => {
    assert.deepEqual(problems({ name: 'x', count: 0 }, wholePath, ['parts', 2]), [{ path: ['parts', 2, 'count'], message: 'parts.2.count 0 must be >= 1' }]);
  });
});

describe('schemaProblems names keys in the wording of the domain', () => {
  it('an unknown key once, at the key, with the keys allowed there', () => {
    const allowed = 'name, code, slug, currency, count, rate, kind, unit, tags, pair, check, byType, steps';
    assert.deepEqual(problems({ name: 'x', colour: 'red' }), [
      { path: ['colour'], onKey: true, message: `unknown key "colour" (allowed here: ${allowed})` },
    ]);
  });

  const nested = { name: 'x', check: { balance: 1, nope: 1 } };
  it('an unknown nested key by its whole path', () => {
    assert.deepEqual(problems(nested), [{ path: ['check', 'nope'], onKey: true, message: 'unknown key "check.nope" (allowed here: balance, count)' }]);
  });

  it('an unknown nested key after its parent', () => {
    assert.deepEqual(problems(nested, afterParent), [
      { path: ['check', 'nope'], onKey: true, message: 'check: unknown key "nope" (allowed here: balance, count)' },
    ]);
  });

  it('a missing key at its parent, in both wordings', () => {
    assert.deepEqual(problems({}), [{ path: [], message: 'missing required key "name"' }]);
    assert.deepEqual(problems({}, afterParent), [{ path: [], message: 'missing required key "name"' }]);
    const step = { name: 'x', steps: [{}] };
    assert.deepEqual(problems(step), [{ path: ['steps', 0], message: 'missing required key "steps.0.points"' }]);
    assert.deepEqual(problems(step, afterParent), [{ path: ['steps', 0], message: 'steps.0: missing required key "points"' }]);
  });
});

describe('shown', () => {
  it('quotes text, writes numbers, true, false and null, and shows nothing of mappings and lists', () => {
    assert.deepEqual(['a "b"', 1.5, false, null, undefined, [1], { a: 1 }].map(shown), ['"a \\"b\\""', '1.5', 'false', 'null', '', '', '']);
  });
});
