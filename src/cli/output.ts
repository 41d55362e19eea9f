import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Config } from '../config.js';
import { refusal } from '../errors.js';
import { createRegistry, loadPrograms, type Program } from '../programs/index.js';

/** The program an export names (`--program`), from `--programs` or the configured folder. */
export function programNamed(config: Config, options: { program: string; programs?: string | undefined }): Program {
  const registry = createRegistry(loadPrograms(options.programs ?? config.programsDir));
  const target = registry.get(options.program);
  if (!target) throw refusal('unknown_program', `no program "${options.program}"; programs are ${registry.list().map((p) => p.key).join(', ')}`);
  return target;
}

/** Writes with back-pressure, so a month of millions of rows never sits in memory. */
export async function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * Runs `produce` against stdout, or against `out`: written beside it and renamed when complete,
 * so the file appears whole or not at all. The summary goes to stderr with stdout, else to stdout.
 */
export async function writeExport<T>(out: string | undefined, produce: (write: (chunk: string) => Promise<void>) => Promise<T>, summary: (result: T) => string): Promise<T> {
  if (out === undefined) {
    const result = await produce((chunk) => write(process.stdout, chunk));
    process.stderr.write(`${summary(result)}\n`);
    return result;
  }
  const partial = `${out}.partial`;
  const file = createWriteStream(partial);
  try {
    const result = await produce((chunk) => write(file, chunk));
    file.end();
    await once(file, 'finish');
    renameSync(partial, out);
    process.stdout.write(`wrote ${summary(result)} to ${out}\n`);
    return result;
  } catch (error) {
    file.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}
