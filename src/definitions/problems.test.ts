import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefinitionLoadError, formatProblem, inFileOrder, type DefinitionLoadProblem } from './index.js';

const at = (line: number, column: number, message = 'wrong'): DefinitionLoadProblem => ({ file: 'a.yaml', line, column, message });

class ExampleLoadError extends DefinitionLoadError {
  constructor(errors: readonly DefinitionLoadProblem[]) {
    super(errors, 'example definitions');
  }
}

describe('formatProblem', () => {
  it('writes file:line:column: message, or file: message for the whole file (line 0)', () => {
    assert.equal(formatProblem(at(4, 11, 'timeZone "x" is wrong')), 'a.yaml:4:11: timeZone "x" is wrong');
    assert.equal(formatProblem(at(0, 0, 'no such file')), 'a.yaml: no such file');
  });
});

describe('inFileOrder', () => {
  it('orders by line, then column, and keeps problems at one place in their order', () => {
    const problems = [at(5, 1, 'e'), at(2, 9, 'b'), at(2, 3, 'a'), at(5, 1, 'f'), at(0, 0, 'whole')];
    assert.deepEqual(problems.sort(inFileOrder).map((problem) => problem.message), ['whole', 'a', 'b', 'e', 'f']);
  });
});

describe('DefinitionLoadError', () => {
  it('lists every problem, one formatted line each, and keeps them as .errors', () => {
    const errors = [at(1, 1, 'first'), at(2, 3, 'second')];
    const error = new DefinitionLoadError(errors);
    assert.equal(error.message, 'a.yaml:1:1: first\na.yaml:2:3: second');
    assert.deepEqual(error.errors, errors);
  });

  it('with a heading, starts with the count of problems', () => {
    assert.equal(new ExampleLoadError([at(1, 1)]).message, '1 problem in example definitions:\na.yaml:1:1: wrong');
    assert.match(new ExampleLoadError([at(1, 1), at(2, 1)]).message, /^2 problems in example definitions:\n/);
  });

  it('is named after the subclass a domain throws', () => {
    const error = new ExampleLoadError([at(1, 1)]);
    assert.equal(error.name, 'ExampleLoadError');
    assert.ok(error instanceof DefinitionLoadError && error instanceof Error);
  });

  it('names at least one problem', () => {
    assert.throws(() => new ExampleLoadError([]), /a ExampleLoadError names at least one problem/);
  });
});
