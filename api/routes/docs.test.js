/** /docs and /redoc: every asset served by the API from its npm packages, 'self'-only CSP, no third-party URL. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createApp } from "../app.js";
import { createSql } from "../db/client.js";
import { Lifecycle } from "../lib/lifecycle.js";
import { createLogger } from "../lib/logger.js";
import { createMetrics } from "../lib/metrics.js";
import { npmDocsAssets, REDOCLY_LOGO, withoutVendorLogo } from "./docs.js";
// No query runs for these routes: the pool points at a port nothing listens on.
const sql = createSql({ url: 'postgres://wiki:pw@127.0.0.1:9/wiki', port: 9, name: '', user: '', poolMax: 1, connectTimeoutS: 1 });
const app = createApp({ sql, metrics: createMetrics({ defaults: false }), log: createLogger('silent'), lifecycle: new Lifecycle() });
after(() => sql.end({ timeout: 1 }));
const assets = npmDocsAssets();
const scriptsAndStyles = (html) => [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
describe('API documentation pages', () => {
    for (const [path, expected] of [
        ['/docs', ['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']],
        ['/redoc', ['/redoc/assets/redoc.standalone.js', '/redoc/assets/init.js']],
    ]) {
        it(`${path}: HTML naming only same-origin assets, no inline script, a 'self'-only CSP`, async () => {
            const res = await app.request(path);
            assert.equal(res.status, 200);
            assert.match(res.headers.get('content-type'), /^text\/html/);
            const html = await res.text();
            assert.deepEqual(scriptsAndStyles(html), expected);
            assert.doesNotMatch(html, /https?:\/\//, 'no absolute URL at all, so nothing third-party');
            assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'every script has a src');
            assert.doesNotMatch(html, /\son\w+=/, 'no inline event handler');
            const csp = res.headers.get('content-security-policy');
            assert.match(csp, /default-src 'none'/);
            assert.match(csp, /script-src 'self'(;|$)/, 'scripts from the API only, none inline');
            for (const directive of csp.split('; '))
                assert.doesNotMatch(directive, /https?:|\*|'unsafe-eval'/, directive);
            assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
            assert.equal((await app.request(`${path}/`)).status, 200, 'trailing slash');
        });
    }
    it('serves the npm packages\' bytes with their content types (versions pinned by the lockfile)', async () => {
        for (const [path, file, type] of [
            ['/docs/assets/swagger-ui-bundle.js', join(assets.swaggerUiDir, 'swagger-ui-bundle.js'), /^text\/javascript/],
            ['/docs/assets/swagger-ui.css', join(assets.swaggerUiDir, 'swagger-ui.css'), /^text\/css/],
        ]) {
            const res = await app.request(path);
            assert.equal(res.status, 200, path);
            assert.match(res.headers.get('content-type'), type);
            assert.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(file)), `${path} is the package's file`);
        }
        const redoc = await app.request('/redoc/assets/redoc.standalone.js');
        assert.match(redoc.headers.get('content-type'), /^text\/javascript/);
        const original = readFileSync(assets.redocBundle, 'utf8');
        assert.equal(original.split(REDOCLY_LOGO).length, 2, 'the bundle has its vendor logo URL once');
        assert.equal(await redoc.text(), original.replace(REDOCLY_LOGO, '""'), 'the package\'s bundle with only the logo URL emptied');
        const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
        assert.match(lock.packages['node_modules/swagger-ui-dist'].version, /^\d+\.\d+\.\d+$/);
        assert.match(lock.packages['node_modules/redoc'].version, /^\d+\.\d+\.\d+$/);
    });
    it('the start-up scripts point both UIs at /openapi.json and turn off Swagger UI\'s online validator', async () => {
        const swagger = await (await app.request('/docs/assets/init.js')).text();
        assert.match(swagger, /url: '\/openapi\.json'/);
        assert.match(swagger, /validatorUrl: null/);
        assert.match(await (await app.request('/redoc/assets/init.js')).text(), /Redoc\.init\('\/openapi\.json'/);
    });
    it('an unknown asset is a JSON 404 and a path outside the list is never read', async () => {
        for (const path of ['/docs/assets/index.html', '/docs/assets/..%2Fpackage.json', '/redoc/assets/redoc.lib.js']) {
            const res = await app.request(path);
            assert.equal(res.status, 404, path);
            assert.deepEqual(await res.json(), { detail: 'Not Found' });
        }
    });
    it('the CSP is on the documentation only, tighter on /docs than on /redoc', async () => {
        for (const path of ['/', '/healthz/live', '/metrics', '/nope'])
            assert.equal((await app.request(path)).headers.get('content-security-policy'), null, path);
        const docs = (await app.request('/docs')).headers.get('content-security-policy');
        assert.doesNotMatch(docs, /unsafe-inline|blob:/, 'Swagger UI needs neither (the browser test proves it)');
        const redoc = (await app.request('/redoc/assets/init.js')).headers.get('content-security-policy');
        assert.match(redoc, /style-src 'self' 'unsafe-inline'/);
        assert.match(redoc, /worker-src 'self' blob:/);
    });
    it('the logo rewrite fails loudly when a ReDoc upgrade moves the URL', () => {
        assert.throws(() => withoutVendorLogo('no logo here'), /expected one/);
        assert.throws(() => withoutVendorLogo(`${REDOCLY_LOGO}${REDOCLY_LOGO}`), /found 2/);
    });
    it('GET / lists /docs and /redoc', async () => {
        const root = await (await app.request('/')).json();
        assert.equal(root.endpoints['GET /docs'], 'Swagger UI');
        assert.equal(root.endpoints['GET /redoc'], 'ReDoc');
    });
});
