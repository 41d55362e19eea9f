import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from './app.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route of the web UI: static files, outside the API's role table (app.ts skips it). */
    web?: true;
  }
}

/** `npm run build` writes the UI to dist/web; this file is two folders deep in src/ and in dist/ alike. */
export const defaultWebRoot = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * Scripts, styles and data come only from our own origin; nothing may frame the UI (clickjacking)
 * and no inline script runs, so an injected string cannot run as code (docs/decisions.md 51).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
};

/** API paths never fall back to the UI: an unknown one stays a problem+json 404. */
function isApiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/') || path === '/docs' || path.startsWith('/docs/') || path === '/health';
}

/**
 * The member portal and operator console, served by the API server itself: hashed files under
 * /assets/, and index.html for every other GET path (the UI routes in the browser), so emailed
 * links such as /signup/confirm#token=… open the UI.
 */
export async function registerWeb(app: App, root: string = defaultWebRoot): Promise<void> {
  await app.register(async (web) => {
    await web.register(fastifyStatic, { root, serve: false });
    web.get('/*', { schema: { hide: true }, config: { web: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (isApiPath(path)) return reply.callNotFound();
      void reply.headers(securityHeaders);
      if (!existsSync(join(root, 'index.html'))) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The web UI is not built: run `npm run build`.');
      }
      // Hashed names change with their content, so browsers may keep them for good.
      if (path.startsWith('/assets/')) return reply.sendFile(path.slice(1), root, { maxAge: '365d', immutable: true });
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    });
  });
}
