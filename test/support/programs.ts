import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProgramFile, ProgramLoadError, type Program, type ProgramLoadProblem } from '../../src/programs/index.js';

/** Writes YAML as `<tmp>/<key>/program.yaml` (the loader wants the folder named as the key). */
export function writeProgramFile(key: string, yaml: string): string {
  const root = mkdtempSync(join(tmpdir(), `pointbook-${key}-`));
  mkdirSync(join(root, key));
  const file = join(root, key, 'program.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A test-only program from YAML text, loaded through the real loader. */
export function programFromYaml(key: string, yaml: string): Program {
  return loadProgramFile(writeProgramFile(key, yaml));
}

/** What the loader refuses in this YAML; empty when it loads. */
export function programLoadProblems(key: string, yaml: string): ProgramLoadProblem[] {
  try {
    loadProgramFile(writeProgramFile(key, yaml));
  } catch (error) {
    assert.ok(error instanceof ProgramLoadError, String(error));
    return [...error.errors];
  }
  return [];
}
