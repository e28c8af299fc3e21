import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono } from 'hono';

/** Where the two documentation UIs' files are: npm packages pinned by the lockfile, never a CDN. */
export type DocsAssets = { swaggerUiDir: string; redocBundle: string };

export function npmDocsAssets(): DocsAssets {
  const require = createRequire(import.meta.url);
  return {
    swaggerUiDir: (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath(),
    redocBundle: require.resolve('redoc/bundles/redoc.standalone.js'),
  };
}

/**
 * Only what the pages need: their own scripts and styles, the OpenAPI document, data: images
 * (Swagger UI's icons), and inline styles, which both UIs set at run time (ReDoc's styled-components
 * inserts <style> elements). No inline script: each page's start-up code is a file of its own.
 */
const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self'", "connect-src 'self'", "worker-src 'self' blob:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const page = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;

const SWAGGER_PAGE = page('User and Post API: Swagger UI',
  '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
  '<div id="swagger-ui"></div>\n<script src="/docs/assets/swagger-ui-bundle.js"></script>\n<script src="/docs/assets/init.js"></script>');
// validatorUrl null: Swagger UI would otherwise load a badge image from validator.swagger.io.
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });\n`;

const REDOC_PAGE = page('User and Post API: ReDoc', '',
  '<div id="redoc"></div>\n<script src="/redoc/assets/redoc.standalone.js"></script>\n<script src="/redoc/assets/init.js"></script>');
const REDOC_INIT = `Redoc.init('/openapi.json', { hideDownloadButton: false }, document.getElementById('redoc'));\n`;

/**
 * ReDoc 2.5's side menu always renders an <img> of its vendor's logo from cdn.redoc.ly (no option turns
 * it off): served with an empty src instead, which fetches nothing and makes the component hide it.
 */
export const REDOCLY_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
export function withoutVendorLogo(bundle: string): string {
  const parts = bundle.split(REDOCLY_LOGO);
  if (parts.length !== 2) throw new Error(`redoc bundle: expected one ${REDOCLY_LOGO}, found ${parts.length - 1}`);
  return parts.join('""');
}

type Asset = { type: string; body: () => Promise<string | Buffer> };

/** Swagger UI at /docs and ReDoc at /redoc, every byte served from here under a 'self'-only CSP. */
export function docsRouter(assets: DocsAssets = npmDocsAssets()) {
  const file = (path: string) => () => readFile(path);
  const text = (s: string) => () => Promise.resolve(s);
  const JS = 'text/javascript; charset=utf-8';
  const files: Record<string, Asset> = {
    '/docs/assets/swagger-ui.css': { type: 'text/css; charset=utf-8', body: file(join(assets.swaggerUiDir, 'swagger-ui.css')) },
    '/docs/assets/swagger-ui-bundle.js': { type: JS, body: file(join(assets.swaggerUiDir, 'swagger-ui-bundle.js')) },
    '/docs/assets/init.js': { type: JS, body: text(SWAGGER_INIT) },
    '/redoc/assets/redoc.standalone.js': { type: JS, body: async () => withoutVendorLogo(await readFile(assets.redocBundle, 'utf8')) },
    '/redoc/assets/init.js': { type: JS, body: text(REDOC_INIT) },
  };

  const app = new Hono({ strict: false });
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  app.get('/docs', (c) => c.html(SWAGGER_PAGE));
  app.get('/redoc', (c) => c.html(REDOC_PAGE));
  for (const [path, asset] of Object.entries(files)) {
    app.get(path, async (c) => {
      c.header('Content-Type', asset.type);
      c.header('Cache-Control', 'public, max-age=3600');
      return c.body(new Uint8Array(Buffer.from(await asset.body())));
    });
  }
  return app;
}
