import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locate, locateProblems, parseDefinition, type ParsedDefinition } from './index.js';

const text = [
  'name: x', //                     1
  'limits:', //                     2
  '  max: 3', //                    3
  'steps:', //                      4
  '  - clock: 2026-01-01', //       5
  '  - adjust: { points: 5 }', //   6
  'timeZone:', //                   7
  '"1": one', //                    8
].join('\n');

function parsed(): ParsedDefinition {
  const result = parseDefinition(`${text}\n`, 'a.yaml', { whenEmpty: 'needs a name' });
  assert.ok(result.ok);
  return result.value;
}

describe('locate', () => {
  const { doc, lineCounter } = parsed();
  const cases: { path: (string | number)[]; onKey?: boolean; at: [number, number]; why: string }[] = [
    { path: ['name'], at: [1, 7], why: 'a value' },
    { path: ['name'], onKey: true, at: [1, 1], why: 'a key, for an unknown key' },
    { path: ['limits', 'max'], at: [3, 8], why: 'a nested value' },
    { path: ['steps', 1, 'adjust', 'points'], at: [6, 23], why: 'a value inside a list and a flow mapping' },
    { path: ['steps', '1', 'adjust'], at: [6, 13], why: 'a list index written as text' },
    { path: ['limits', 'min'], at: [3, 3], why: 'a missing key at its nearest existing parent' },
    { path: ['steps', 9], at: [5, 3], why: 'an index past the end at its list' },
    { path: ['timeZone'], at: [7, 10], why: 'a key with nothing after it just after its colon' },
    { path: [1], at: [8, 6], why: 'a key written as a quoted number' },
    { path: [], at: [1, 1], why: 'the whole document' },
  ];
  for (const c of cases) {
    it(`finds ${c.why}`, () => {
      const { line, column } = locate(doc, lineCounter, c.path, c.onKey);
      assert.deepEqual([line, column], c.at);
    });
  }
});

describe('locateProblems', () => {
  it('places each problem in the file and returns them in file order', () => {
    const problems = locateProblems(parsed(), [
      { path: ['steps', 1, 'adjust'], message: 'second' },
      { path: ['colour'], message: 'missing, so at the document' },
      { path: ['limits', 'max'], onKey: true, message: 'first' },
    ]);
    assert.deepEqual(problems, [
      { file: 'a.yaml', line: 1, column: 1, message: 'missing, so at the document' },
      { file: 'a.yaml', line: 3, column: 3, message: 'first' },
      { file: 'a.yaml', line: 6, column: 13, message: 'second' },
    ]);
  });
});
