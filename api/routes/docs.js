import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
/**
 * redoc is a development dependency (its package brings ~120 packages, 70 MB, for one self-contained
 * file): `npm run build` copies its standalone bundle to dist/api/vendor/, which the compiled API reads.
 */
export function npmDocsAssets() {
    const require = createRequire(import.meta.url);
    const vendored = fileURLToPath(new URL('../vendor/redoc.standalone.js', import.meta.url));
    return {
        // The package's own path helper: its index would also load the 1.5 MB browser bundle into the server.
        swaggerUiDir: require('swagger-ui-dist/absolute-path.js')(),
        redocBundle: existsSync(vendored) ? vendored : require.resolve('redoc/bundles/redoc.standalone.js'),
    };
}
/**
 * Only what each page needs (each extra found by the browser test): their own files, the OpenAPI
 * document, data: images (both UIs' icons); for ReDoc also the <style> elements its styled-components
 * inserts and its search worker, started from a blob: URL. No inline script: start-up code is a file.
 */
const csp = (extra = {}) => [
    "default-src 'none'", "script-src 'self'", `style-src 'self'${extra.style ?? ''}`, "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", ...(extra.worker ? [`worker-src 'self' ${extra.worker}`] : []), "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');
const SWAGGER_CSP = csp();
const REDOC_CSP = csp({ style: " 'unsafe-inline'", worker: 'blob:' });
const page = (title, head, body) => `<!doctype html>
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
const SWAGGER_PAGE = page('User and Post API: Swagger UI', '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">', '<div id="swagger-ui"></div>\n<script src="/docs/assets/swagger-ui-bundle.js"></script>\n<script src="/docs/assets/init.js"></script>');
// validatorUrl null: Swagger UI would otherwise load a badge image from validator.swagger.io.
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });\n`;
const REDOC_PAGE = page('User and Post API: ReDoc', '', '<div id="redoc"></div>\n<script src="/redoc/assets/redoc.standalone.js"></script>\n<script src="/redoc/assets/init.js"></script>');
const REDOC_INIT = `Redoc.init('/openapi.json', { hideDownloadButton: false }, document.getElementById('redoc'));\n`;
/**
 * ReDoc 2.5's side menu always renders an <img> of its vendor's logo from cdn.redoc.ly (no option turns
 * it off): served with an empty src instead, which fetches nothing and makes the component hide it.
 */
export const REDOCLY_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
export function withoutVendorLogo(bundle) {
    const parts = bundle.split(REDOCLY_LOGO);
    if (parts.length !== 2)
        throw new Error(`redoc bundle: expected one ${REDOCLY_LOGO}, found ${parts.length - 1}`);
    return parts.join('""');
}
/** Swagger UI at /docs and ReDoc at /redoc, every byte served from here under a 'self'-only CSP. */
export function docsRouter(assets = npmDocsAssets()) {
    const file = (path) => () => readFile(path);
    const text = (s) => () => Promise.resolve(s);
    const JS = 'text/javascript; charset=utf-8';
    const files = {
        '/docs/assets/swagger-ui.css': { type: 'text/css; charset=utf-8', body: file(join(assets.swaggerUiDir, 'swagger-ui.css')) },
        '/docs/assets/swagger-ui-bundle.js': { type: JS, body: file(join(assets.swaggerUiDir, 'swagger-ui-bundle.js')) },
        '/docs/assets/init.js': { type: JS, body: text(SWAGGER_INIT) },
        '/redoc/assets/redoc.standalone.js': { type: JS, body: async () => withoutVendorLogo(await readFile(assets.redocBundle, 'utf8')) },
        '/redoc/assets/init.js': { type: JS, body: text(REDOC_INIT) },
    };
    // Set in each handler, not as middleware: mounted at '/', a '*' middleware would reach every route.
    const secure = (c, csp) => {
        c.header('Content-Security-Policy', csp);
        c.header('X-Content-Type-Options', 'nosniff');
        c.header('Referrer-Policy', 'no-referrer');
    };
    const app = new Hono({ strict: false });
    app.get('/docs', (c) => { secure(c, SWAGGER_CSP); return c.html(SWAGGER_PAGE); });
    app.get('/redoc', (c) => { secure(c, REDOC_CSP); return c.html(REDOC_PAGE); });
    for (const [path, asset] of Object.entries(files)) {
        app.get(path, async (c) => {
            secure(c, path.startsWith('/redoc/') ? REDOC_CSP : SWAGGER_CSP);
            c.header('Content-Type', asset.type);
            c.header('Cache-Control', 'public, max-age=3600');
            return c.body(new Uint8Array(Buffer.from(await asset.body())));
        });
    }
    return app;
}
