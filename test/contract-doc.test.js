/** docs/api-contract.md against the API's own /openapi.json: the same routes, and every documented status code in its row. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { createApp } from "../api/app.js";
import { Lifecycle } from "../api/lib/lifecycle.js";
import { createLogger } from "../api/lib/logger.js";
import { createMetrics } from "../api/lib/metrics.js";
import { ROOT } from "./support/root.js";
/** The OpenAPI document as served; serving it touches no database, so none is given. */
async function openapi() {
    const quiet = new Writable({ write(_c, _e, cb) { cb(); } });
    const app = createApp({ sql: undefined, metrics: createMetrics({ defaults: false }), log: createLogger('silent', quiet), lifecycle: new Lifecycle() });
    const res = await app.request('/openapi.json');
    assert.equal(res.status, 200);
    return await res.json();
}
/** The Routes table: each `METHOD /path` named in a row's first cell, with that row's text. */
function documented() {
    const doc = readFileSync(`${ROOT}docs/api-contract.md`, 'utf8');
    const table = doc.slice(doc.indexOf('## Routes'), doc.indexOf('\n## ', doc.indexOf('## Routes') + 1));
    const rows = new Map();
    for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
        const first = row.split(' | ')[0];
        for (const m of first.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)`/g))
            rows.set(`${m[1]} ${m[2]}`, row);
    }
    return rows;
}
it('every route of /openapi.json is documented, with each of its status codes', async () => {
    const rows = documented();
    const spec = await openapi();
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, codes: Object.keys(op.responses) })));
    assert.ok(operations.length >= 6, 'the document lists the API routes');
    for (const { route, codes } of operations) {
        const row = rows.get(route);
        assert.ok(row, `${route} is in /openapi.json but not in docs/api-contract.md`);
        for (const code of codes.filter((c) => /^\d{3}$/.test(c)))
            assert.match(row, new RegExp(`\\b${code}\\b`), `${route}: status ${code} is not in its row`);
    }
});
it('every documented route answers (none is documented that the API lacks)', async () => {
    const quiet = new Writable({ write(_c, _e, cb) { cb(); } });
    const app = createApp({ sql: undefined, metrics: createMetrics({ defaults: false }), log: createLogger('silent', quiet), lifecycle: new Lifecycle() });
    const spec = await openapi();
    for (const route of documented().keys()) {
        const [method, path] = route.split(' ');
        if (spec.paths[path]?.[method.toLowerCase()])
            continue;
        // Not in the OpenAPI document (metrics, health, docs): it must at least be routed (a database-free 404/405 says it is not).
        const res = await app.request(path, { method });
        assert.ok(res.status !== 404 && res.status !== 405, `${route} is documented but the API answers ${res.status}`);
    }
});
