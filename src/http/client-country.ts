import type { FastifyRequest } from 'fastify';
import { open, type CountryResponse, type Reader } from 'maxmind';

/** Where a request comes from, as far as we can tell, and how we told (for the refusal's message). */
export interface ClientCountry {
  /** ISO 3166-1 alpha-2, or null when it could not be told. */
  code: string | null;
  /** How: the gateway's header, the GeoIP database, or why neither answered. */
  by: string;
}

/** A country database the operator configures (POINTBOOK_GEOIP_DB), looked up by client address. */
export interface CountryLocator {
  countryOf(ip: string): string | null;
}

/**
 * The two record shapes of country databases in the MaxMind DB format: MaxMind's GeoIP2/GeoLite2
 * (`country.iso_code`) and the free ip-location-db builds (`country_code`). `registered_country`
 * is deliberately not a fallback: it is where the network is registered, not where the client is.
 */
type CountryRecord = CountryResponse & { readonly country_code?: string };

/**
 * Opens a MaxMind DB country database; refuses a file that is not one, at start rather than on the
 * first entry. The file is watched so the operator's weekly update takes effect without a restart.
 */
export async function openCountryDatabase(path: string): Promise<CountryLocator> {
  let reader: Reader<CountryResponse>;
  try {
    reader = await open<CountryResponse>(path, { watchForUpdates: true, watchForUpdatesNonPersistent: true });
  } catch (error) {
    throw new Error(`POINTBOOK_GEOIP_DB: ${path} is not a readable MaxMind DB (.mmdb) file: ${(error as Error).message}`);
  }
  const kind = reader.metadata.databaseType;
  if (!/country|city/iu.test(kind)) {
    throw new Error(`POINTBOOK_GEOIP_DB: ${path} is a "${kind}" database; a country (or city) database is needed, such as GeoLite2-Country.mmdb`);
  }
  return {
    countryOf(ip) {
      const record: CountryRecord | null = reader.get(ip);
      const code = record?.country?.iso_code ?? record?.country_code;
      return typeof code === 'string' && /^[A-Z]{2}$/u.test(code) ? code : null;
    },
  };
}

/**
 * SU-14: the gateway's judgement when it gave one (`trustedHeader`, which the gateway sets and strips
 * from clients), else the country database by the client's address (`request.ip`, which honours
 * POINTBOOK_TRUST_PROXY), else unknown — and an unknown country is refused, not let through.
 */
export function clientCountry(request: FastifyRequest, trustedHeader: string | undefined, locator: CountryLocator | undefined): ClientCountry {
  const given = trustedHeader ? request.headers[trustedHeader.toLowerCase()] : undefined;
  if (typeof given === 'string' && /^[A-Za-z]{2}$/u.test(given)) return { code: given.toUpperCase(), by: `the gateway's ${trustedHeader} header` };
  const missing = trustedHeader ? `no ${trustedHeader} header from the gateway` : undefined;
  if (!locator) return { code: null, by: missing ?? 'no country database is configured' };
  const code = locator.countryOf(request.ip);
  if (code) return { code, by: `the GeoIP database for ${request.ip}` };
  return { code: null, by: `${missing ? `${missing}, and ` : ''}${request.ip} is not in the GeoIP database` };
}
