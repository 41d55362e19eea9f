import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { App } from '../../src/http/app.js';
import { contentSecurityPolicy, registerWeb } from '../../src/http/web.js';
import { describeApi } from '../support/api.js';

/** The UI is served by the API server: files and SPA fallback, under a strict CSP, never over the API. */
describe('web UI files', () => {
  const root = mkdtempSync(join(tmpdir(), 'pointbook-web-'));
  let app: App | undefined;
  const web = () => {
    assert.ok(app);
    return app;
  };
  before(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Pointbook</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.info(1)');
    app = Fastify().withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
    await registerWeb(app, root);
  });
  after(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers every UI path with index.html (emailed links included), not cached, under the CSP', async () => {
    for (const url of ['/', '/login?program=flets-club', '/signup/confirm', '/console/members/mbr_x', '/sweepstakes/k/enter?link=t']) {
      const response = await web().inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.body, /<title>Pointbook<\/title>/u, url);
      assert.equal(response.headers['content-security-policy'], contentSecurityPolicy);
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.equal(response.headers['x-frame-options'], 'DENY');
    }
    assert.doesNotMatch(contentSecurityPolicy, /unsafe-inline|unsafe-eval/u);
  });

  it('serves hashed assets for a year, and a missing one as a 404', async () => {
    const asset = await web().inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /max-age=31536000, immutable/u);
    assert.equal((await web().inject({ method: 'GET', url: '/assets/missing.js' })).statusCode, 404);
    for (const url of ['/assets/../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd']) {
      assert.doesNotMatch((await web().inject({ method: 'GET', url })).body, /root:/u, `${url} stays inside the UI folder`);
    }
  });
});

describeApi('web UI beside the API', (ctx) => {
  it('never shadows /v1, /docs or /health: unknown API paths stay problem+json 404s', async () => {
    const unknown = await ctx.app.inject({ method: 'GET', url: '/v1/no-such-route' });
    assert.equal(unknown.statusCode, 404);
    assert.match(String(unknown.headers['content-type']), /application\/problem\+json/u);
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ openapi: string }>().openapi, '3.1.0');
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    const ui = await ctx.app.inject({ method: 'GET', url: '/rewards' });
    assert.ok([200, 503].includes(ui.statusCode), 'the UI, or a note that it is not built');
    assert.equal(ui.headers['content-security-policy'], contentSecurityPolicy);
  });

  it('keeps the UI out of the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    assert.ok(!('/*' in doc.paths));
  });
});
