import { get, type Answer } from '../api/client';
import { useLoad, type Loaded } from '../ui/use-load';

export type PortalInfo = Answer<'/v1/programs/{program}/portal'>;

/**
 * What the program offers, from the API (GET /v1/programs/{program}/portal): its names, FL-1
 * sign-up kinds and FL-4 bill credit. The portal knows no program of its own.
 */
export function usePortalInfo(program: string): Loaded<PortalInfo | null> {
  return useLoad(async () => (/^[a-z0-9-]{1,64}$/u.test(program) ? get('/v1/programs/{program}/portal', { program }) : null), [program]);
}
