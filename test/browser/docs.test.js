/**
 * /docs and /redoc in a real browser: Debian's Chromium driven by playwright-core (no browser
 * download), the real API process on a real PostgreSQL 18, and the network cut to the API alone:
 * every request elsewhere is aborted and recorded, and the test fails if one was even attempted.
 * Screenshots: .artifacts/browser/ (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import postgres from 'postgres';
import { startApiProcess } from "../support/api.js";
import { ROOT } from "../support/root.js";
import { startPostgres } from "../support/postgres.js";
import { requireTool } from "../support/tools.js";
export const ARTIFACTS = join(ROOT, '.artifacts', 'browser');
// This machine's network is closed: without these, Chromium floods it with refused connections.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
const TIMEOUT = 60_000;
describe('API documentation in Chromium, offline', () => {
    let pg;
    let api;
    let context;
    let profile;
    const attempted = [];
    const errors = [];
    before(async (t) => {
        const executablePath = requireTool(t, 'chromium');
        if (!executablePath)
            return;
        pg = await startPostgres();
        api = await startApiProcess({ DATABASE_URL: pg.url, LOG_LEVEL: 'warn' });
        profile = mkdtempSync(join(tmpdir(), 'wiki-chromium-11-'));
        mkdirSync(ARTIFACTS, { recursive: true });
        context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
        const origin = new URL(api.url).origin;
        await context.route('**/*', (route) => {
            const url = route.request().url();
            if (new URL(url).origin === origin || url.startsWith('blob:') || url.startsWith('data:'))
                return route.continue();
            attempted.push(url);
            return route.abort('blockedbyclient');
        });
    });
    after(async () => {
        await context?.close();
        api?.child.kill('SIGTERM');
        await api?.exited;
        await pg?.destroy();
        if (profile)
            rmSync(profile, { recursive: true, force: true });
    });
    async function open(path) {
        const page = await context.newPage();
        page.setDefaultTimeout(TIMEOUT);
        page.on('console', (m) => { if (m.type() === 'error')
            errors.push(`${path}: console: ${m.text()}`); });
        page.on('pageerror', (e) => errors.push(`${path}: page error: ${e.message}`));
        page.on('requestfailed', (r) => { if (!attempted.includes(r.url()))
            errors.push(`${path}: request failed: ${r.url()} ${r.failure()?.errorText}`); });
        const res = await page.goto(`${api.url}${path}`, { waitUntil: 'load', timeout: TIMEOUT });
        assert.equal(res?.status(), 200);
        return page;
    }
    it('/docs shows the /users and /posts operations, and "Try it out" on POST /users returns 201', async (t) => {
        if (!requireTool(t, 'chromium'))
            return;
        const page = await open('/docs');
        await page.locator('.opblock').first().waitFor();
        const ops = await page.locator('.opblock').evaluateAll((els) => els.map((e) => `${e.querySelector('.opblock-summary-method')?.textContent} ${e.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`));
        assert.deepEqual(ops.sort(), ['GET /posts', 'GET /posts/{id}', 'GET /user/{id}', 'GET /users', 'GET /users/{id}', 'POST /posts', 'POST /users']);
        const op = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path[data-path="/users"]') });
        await op.locator('.opblock-summary-control').click();
        await op.getByRole('button', { name: 'Try it out' }).click();
        await op.locator('textarea.body-param__text').fill('{"name": "Ada from Chromium"}');
        await op.getByRole('button', { name: 'Execute' }).click();
        const status = op.locator('.live-responses-table .response .response-col_status').first();
        await status.waitFor();
        assert.equal((await status.textContent())?.trim(), '201');
        const body = JSON.parse((await op.locator('.live-responses-table .response-col_description pre').first().textContent()));
        assert.equal(body.name, 'Ada from Chromium');
        const sql = postgres(pg.url, { max: 1, onnotice: () => { } });
        const [row] = await sql `SELECT name FROM users WHERE id = ${body.id}`;
        await sql.end();
        assert.equal(row?.name, 'Ada from Chromium', 'the row the browser created is in PostgreSQL');
        await op.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: true });
        await page.close();
    });
    it('/redoc shows the operations', async (t) => {
        if (!requireTool(t, 'chromium'))
            return;
        const page = await open('/redoc');
        await page.locator('[data-section-id^="tag/"][data-section-id*="/paths/"]').first().waitFor();
        const sections = await page.locator('[data-section-id*="/paths/"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-section-id')));
        for (const id of ['tag/users/paths/~1users/post', 'tag/users/paths/~1users/get', 'tag/posts/paths/~1posts/post', 'tag/posts/paths/~1posts~1{id}/get']) {
            assert.ok(sections.includes(id), `${id} in ${sections.join(', ')}`);
        }
        assert.ok(await page.getByRole('heading', { name: 'Create a user' }).isVisible());
        await page.screenshot({ path: join(ARTIFACTS, 'redoc.png'), fullPage: false });
        await page.close();
    });
    it('no request left the API and the console had no error', (t) => {
        if (!requireTool(t, 'chromium'))
            return;
        assert.deepEqual(attempted, [], 'no third-party request was even attempted');
        assert.deepEqual(errors, []);
    });
});
