import type { Program } from '../programs/index.js';

/**
 * SU-14 at start: a sweepstakes that takes entries from some countries only must have a way to tell
 * where a request comes from — the gateway's header or the operator's GeoIP database. Without one,
 * every entry would be refused as "could not be told", so the server refuses to start instead.
 */
export function requireCountrySource(programs: readonly Program[], hasCountryDatabase: boolean): void {
  if (hasCountryDatabase) return;
  const blind = programs.flatMap((program) => program.sweepstakes ?? []).filter((s) => s.countries && !s.countries.trustedHeader);
  if (blind.length === 0) return;
  throw new Error(
    `Sweepstakes ${blind.map((s) => s.key).join(', ')} take entries from some countries only (SU-14) but name no countries.trustedHeader: ` +
      'set POINTBOOK_GEOIP_DB to a GeoIP country database (.mmdb), or name the header your gateway sets',
  );
}
