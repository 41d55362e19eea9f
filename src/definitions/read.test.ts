import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDefinition, readDefinitionText, type DefinitionFileOptions } from './index.js';

const options: DefinitionFileOptions = { maxBytes: 64, kind: 'an example', whenEmpty: 'an example needs a name' };

function written(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pointbook-definitions-')), 'example.yaml');
  writeFileSync(file, text);
  return file;
}

describe('readDefinition', () => {
  it('reads and parses a file', () => {
    const file = written('name: x\n');
    const read = readDefinition(file, options);
    assert.ok(read.ok);
    assert.deepEqual(read.value.data, { name: 'x' });
    assert.equal(read.value.file, file);
  });

  it('refuses a file that does not exist, as a problem of the whole file', () => {
    const file = join(tmpdir(), 'pointbook-definitions-missing', 'example.yaml');
    assert.deepEqual(readDefinition(file, options), { ok: false, problems: [{ file, line: 0, column: 0, message: 'no such file' }] });
  });

  it('refuses a file over maxBytes without reading it, naming its kind', () => {
    const file = written(`name: ${'x'.repeat(64)}\n`);
    assert.deepEqual(readDefinitionText(file, options), {
      ok: false,
      problems: [{ file, line: 0, column: 0, message: 'is 71 bytes; an example is at most 64' }],
    });
  });

  it('reads a file of exactly maxBytes', () => {
    const text = `name: ${'x'.repeat(57)}\n`;
    assert.equal(text.length, 64);
    assert.deepEqual(readDefinitionText(written(text), options), { ok: true, value: text });
  });

  it('reports the problems of parsing with the file', () => {
    const file = written('');
    assert.deepEqual(readDefinition(file, options), {
      ok: false,
      problems: [{ file, line: 1, column: 1, message: 'the file is empty; an example needs a name' }],
    });
  });
});
