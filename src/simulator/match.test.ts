import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { match } from './match.js';

const paths = (expected: unknown, actual: unknown) => match(expected, actual, 'body').map((m) => m.path);

describe('match: expectations are subsets', () => {
  const cases: [string, unknown, unknown, string[]][] = [
    ['equal scalars', 500, 500, []],
    ['a number is not its text', 500, '500', ['body']],
    ['null matches null only', null, null, []],
    ['a mapping matches on the keys it names', { available: 5 }, { available: 5, pending: 0 }, []],
    ['a wrong value is named by its path', { balance: { available: 501 } }, { balance: { available: 500 } }, ['body.balance.available']],
    ['a missing key is named', { code: 'x' }, {}, ['body.code']],
    ['every mismatch is reported', { a: 1, b: 2 }, { a: 0, b: 0 }, ['body.a', 'body.b']],
    ['lists match element by element', [{ id: 'e1' }, { id: 'e2' }], [{ id: 'e1', s: 1 }, { id: 'e2' }], []],
    ['an element is named by its index', { results: [{ id: 'e1', status: 'applied' }] }, { results: [{ id: 'e1', status: 'rejected' }] }, ['body.results[0].status']],
    ['lists must have the same length', [1, 2], [1, 2, 3], ['body']],
    ['a list is not a mapping', { a: 1 }, [1], ['body']],
    ['contains ignores order and other items', { contains: [{ id: 2 }, { id: 1 }] }, [{ id: 1 }, { id: 3 }, { id: 2 }], []],
    ['contains needs an item per expected item', { contains: [{ k: 'a' }, { k: 'a' }] }, [{ k: 'a' }, { k: 'b' }], ['body.contains[1]']],
    // Greedy assignment would give the first actual item to the loose pattern and fail the strict one.
    ['contains finds an assignment when one exists', { contains: [{ k: 'a' }, { k: 'a', n: 1 }] }, [{ k: 'a', n: 1 }, { k: 'a', n: 2 }], []],
    ['contains needs a list', { contains: [1] }, 'x', ['body']],
    ['instants match across offsets', '2028-04-01T00:00:00+09:00', '2028-03-31T15:00:00Z', []],
    ['different instants do not', '2028-04-01T00:00:00+09:00', '2028-03-31T15:00:01Z', ['body']],
    ['dates are text, not instants', '2028-04-01', '2028-04-01T00:00:00Z', ['body']],
    ['includes matches a text holding it', { includes: '#token=' }, 'open https://x/#token=pbl_1', []],
    ['includes with a list needs every text', { includes: ['a', 'z'] }, 'abc', ['body']],
    ['includes needs a text', { includes: '1' }, 1, ['body']],
    ['a mapping with a key includes of another kind is a mapping', { includes: 1 }, { includes: 1 }, []],
  ];
  for (const [title, expected, actual, expectedPaths] of cases) {
    it(title, () => assert.deepEqual(paths(expected, actual), expectedPaths));
  }

  it('says what it expected and what it got', () => {
    assert.deepEqual(match({ available: 501 }, { available: 500 }, 'balance'), [
      { path: 'balance.available', message: 'expected 501, got 500' },
    ]);
    assert.deepEqual(match({ code: 'x' }, {}, 'body'), [{ path: 'body.code', message: 'expected "x", but there is no "code"' }]);
    assert.deepEqual(match({ includes: ['リンク', 'key'] }, 'リンク', 'mail.body'), [
      { path: 'mail.body', message: 'expected a text including "key", got "リンク"' },
    ]);
  });
});
