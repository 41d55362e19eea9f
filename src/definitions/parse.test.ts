import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDefinition, type DefinitionLoadProblem, type ParseOptions } from './index.js';

const options: ParseOptions = { whenEmpty: 'an example needs a name' };

function problemsOf(text: string, given: ParseOptions = options): [line: number, column: number, message: string][] {
  const parsed = parseDefinition(text, 'a.yaml', given);
  assert.ok(!parsed.ok, 'expected problems');
  return parsed.problems.map((problem) => {
    assert.equal(problem.file, 'a.yaml');
    return [problem.line, problem.column, problem.message];
  });
}

describe('parseDefinition', () => {
  it('gives the data, the document and its line counter', () => {
    const parsed = parseDefinition('name: x\nlimits: { max: 3 }\nsame: &a [1, 2]\nagain: *a\n', 'a.yaml', options);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.data, { name: 'x', limits: { max: 3 }, same: [1, 2], again: [1, 2] });
    assert.equal(parsed.value.file, 'a.yaml');
    assert.deepEqual(parsed.value.lineCounter.linePos(8), { line: 2, col: 1 });
  });

  const cases: { name: string; text: string; problems: [number, number, RegExp][] }[] = [
    { name: 'a syntax error where the parser finds it', text: 'name: x\nlist: [1, 2\nnext: y\n', problems: [[3, 1, /^YAML: /]] },
    { name: 'a key written twice', text: 'name: x\nname: y\n', problems: [[2, 1, /^YAML: Map keys must be unique/]] },
    { name: 'an empty file at line 1', text: '', problems: [[1, 1, /^the file is empty; an example needs a name$/]] },
    { name: 'a file of comments as empty', text: '# later\n', problems: [[1, 1, /^the file is empty; /]] },
    { name: 'an alias to no anchor where it is written', text: 'name: x\nother: *nothing\n', problems: [[2, 8, /^YAML: this alias names no anchor defined before it$/]] },
    { name: 'an alias before its anchor', text: 'a: *later\nb: &later 1\n', problems: [[1, 4, /^YAML: this alias names no anchor/]] },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const problems = problemsOf(c.text);
      assert.equal(problems.length, c.problems.length, JSON.stringify(problems));
      for (const [index, [line, column, message]] of c.problems.entries()) {
        assert.deepEqual(problems[index]?.slice(0, 2), [line, column]);
        assert.match(problems[index]?.[2] ?? '', message);
      }
    });
  }

  it('hands syntax problems and the text to syntaxProblems, and reports what it returns', () => {
    const seen: { problems: DefinitionLoadProblem[]; text: string }[] = [];
    const text = 'a: [\nb: {\n';
    const problems = problemsOf(text, {
      ...options,
      syntaxProblems: (found, given) => {
        seen.push({ problems: found, text: given });
        return found.slice(0, 1);
      },
    });
    assert.equal(seen[0]?.text, text);
    assert.ok((seen[0]?.problems.length ?? 0) > 1);
    assert.equal(problems.length, 1);
  });

  it('leaves problems other than syntax to the file itself (syntaxProblems is not asked)', () => {
    const syntaxProblems = () => assert.fail('not a syntax problem');
    assert.equal(problemsOf('', { ...options, syntaxProblems }).length, 1);
  });

  it('treats a document expanding past 100 aliases as a fault, not a definition', () => {
    const anchors = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const name of ['b', 'c', 'd']) anchors.push(`${name}: &${name} [${Array(10).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(', ')}]`);
    assert.throws(() => parseDefinition(`${anchors.join('\n')}\n`, 'a.yaml', options), /Excessive alias count/);
  });
});
