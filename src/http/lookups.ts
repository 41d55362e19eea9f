import { refusal } from '../errors.js';
import { getMember, type Member } from '../members/index.js';
import type { FastifyRequest } from 'fastify';
import type { Program } from '../programs/index.js';
import type { AppDeps } from './app.js';

/** The program named in a path, or 404 unknown_program. */
export function programOrRefuse(deps: AppDeps, key: string): Program {
  const program = deps.programs.get(key);
  if (!program) throw refusal('unknown_program', `There is no program "${key}"`);
  return program;
}

/** The member named in a path, or 404 not_found (also for ids that are not members' at all). */
export async function memberOrRefuse(deps: AppDeps, id: string): Promise<Member> {
  const member = await getMember(deps.db, id);
  if (!member) throw refusal('not_found', `There is no member ${id}`);
  return member;
}

/** The member and their program, whose rules most member routes apply. */
export async function memberWithProgram(deps: AppDeps, id: string): Promise<{ member: Member; program: Program }> {
  const member = await memberOrRefuse(deps, id);
  const program = deps.programs.get(member.program);
  if (!program) throw refusal('unknown_program', `The member's program ${member.program} is not loaded`);
  return { member, program };
}

/** FL-5: the gateway vouches, with the program's trusted header, that the request comes from the member's registered line. */
export function fromTrustedLine(program: Program, request: FastifyRequest): boolean {
  const name = program.redemption?.stepUp?.trustedHeader.toLowerCase();
  return name !== undefined && request.headers[name] === 'true';
}
