import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { loadCampaignFile } from '../../campaigns/index.js';
import { DefinitionLoadError } from '../../definitions/index.js';
import { loadProgramFile } from '../../programs/index.js';
import { loadSweepstakesOf } from '../../sweepstakes/index.js';
import { refusal } from '../../errors.js';
import type { App, AppDeps } from '../app.js';
import { closed, nullable, responses } from '../schemas.js';

export const ProblemView = Type.Object({
  line: Type.Integer({ description: '1-based; 0 when the problem is the whole file' }),
  column: Type.Integer(),
  message: Type.String(),
});

const kinds = ['program', 'campaign', 'sweepstakes'] as const;
type Kind = (typeof kinds)[number];

const CheckView = Type.Object({
  valid: Type.Boolean(),
  problems: Type.Array(ProblemView, { description: "The loader's problems, in file order, at line:column of the text sent" }),
  loaded: nullable(Type.Object({ kind: Type.Union(kinds.map((k) => Type.Literal(k))), key: Type.String() }, { description: 'What the file defines, when it loads' })),
});

/**
 * Runs the loader `pointbook serve` runs on the text, laid out as the loader reads files:
 * `<scratch>/<program>/program.yaml`, or a campaign or sweepstakes file beside a program. The
 * scratch folder is private (mkdtemp) and removed after; nothing else is read or written.
 */
async function check(kind: Kind, programKey: string, fileName: string, text: string, deps: AppDeps) {
  const scratch = await mkdtemp(join(tmpdir(), 'pointbook-definition-'));
  try {
    return { valid: true, problems: [], loaded: await load(scratch, kind, programKey, fileName, text, deps) };
  } catch (error) {
    if (!(error instanceof DefinitionLoadError)) throw error;
    // The scratch folder is ours, not the sender's: a message naming a path names their file.
    const problems = error.errors.map(({ line, column, message }) => ({ line, column, message: message.replaceAll(scratch, '').replace(/(?:\/[\w.-]+)+\.yaml/gu, fileName) }));
    return { valid: false, problems, loaded: null };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function load(scratch: string, kind: Kind, programKey: string, fileName: string, text: string, deps: AppDeps): Promise<{ kind: Kind; key: string }> {
  const folder = join(scratch, programKey);
  if (kind === 'program') {
    await mkdir(folder);
    await writeFile(join(folder, 'program.yaml'), text);
    return { kind, key: loadProgramFile(join(folder, 'program.yaml')).key };
  }
  const program = deps.programs.get(programKey);
  if (!program) throw refusal('unknown_program', `There is no program "${programKey}"; a ${kind} is checked with the program it belongs to`);
  const dir = join(folder, kind === 'campaign' ? 'campaigns' : 'sweepstakes');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, fileName), text);
  if (kind === 'campaign') return { kind, key: loadCampaignFile(join(dir, fileName), program.key).id };
  const [loaded] = loadSweepstakesOf({ key: program.key, sourceFile: join(folder, 'program.yaml'), pointValue: program.pointValue });
  return { kind, key: loaded?.key ?? fileName };
}

export function definitionCheckRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/v1/programs/:program/definition-checks',
    {
      schema: {
        tags: ['console'],
        summary: 'Check a program, campaign or sweepstakes definition (YAML) as the loader would, without loading it',
        description:
          "Answers the loader's problems at line:column. A program's key must equal `program` (its folder); a campaign or sweepstakes is " +
          "checked as a file of the loaded program `program`, named `fileName` (a campaign's id is its file's name). Nothing is loaded or changed.",
        params: Type.Object({ program: Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 }) }),
        body: Type.Object(
          {
            kind: Type.Union(kinds.map((k) => Type.Literal(k))),
            fileName: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}\\.yaml$', description: 'For a campaign or sweepstakes; default <kind>.yaml' })),
            text: Type.String({ maxLength: 256 * 1024, description: "The file's text; each loader has its own size limit" }),
          },
          closed,
        ),
        response: responses({ 200: CheckView }, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const { kind, text } = request.body;
      const fileName = kind === 'program' ? 'program.yaml' : (request.body.fileName ?? `${kind}.yaml`);
      return check(kind, request.params.program, fileName, text, deps);
    },
  );
}
