/** Health endpoints and a database outage through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contract, ISO } from "../../test/support/contract.js";
import { freePort } from "../../test/support/postgres.js";
import { createApp } from "../app.js";
import { createSql } from "../db/client.js";
import { Lifecycle } from "../lib/lifecycle.js";
import { createLogger } from "../lib/logger.js";
import { createMetrics } from "../lib/metrics.js";
const t = contract();
const { req } = t;
describe('health', () => {
    it('health endpoints follow the lifecycle', async () => {
        assert.deepEqual(await (await req('/healthz/live')).json(), { status: 'ok' });
        assert.deepEqual(await (await req('/healthz/ready')).json(), { status: 'ok' });
        const health = await (await req('/health')).json();
        assert.equal(health.status, 'healthy');
        assert.equal(health.checks.database.status, 'healthy');
        assert.equal(typeof health.checks.database.latency_ms, 'number');
        assert.match(health.timestamp, ISO);
        t.ctx.lifecycle.phase = 'starting';
        let res = await req('/healthz/ready');
        assert.equal(res.status, 503);
        assert.equal((await res.json()).status, 'unavailable');
        t.ctx.lifecycle.phase = 'draining';
        res = await req('/healthz/ready');
        assert.deepEqual(await res.json(), { status: 'unavailable', reason: 'shutting down' });
        assert.equal(res.headers.get('connection'), 'close');
        assert.equal((await req('/healthz/live')).status, 200);
    });
});
describe('database outage', () => {
    it('503 with Retry-After and no internals when the database cannot be reached', async () => {
        const port = await freePort(); // nothing listens here
        const sql = createSql({ url: `postgres://wiki:secret-pw@127.0.0.1:${port}/wiki`, port, name: '', user: '', poolMax: 2, connectTimeoutS: 2 });
        const lifecycle = new Lifecycle();
        lifecycle.phase = 'ready';
        const app = createApp({ sql, metrics: createMetrics({ defaults: false }), log: createLogger('silent'), lifecycle });
        for (const [path, init] of [['/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }], ['/users/1', {}], ['/posts', {}]]) {
            const res = await app.request(path, init);
            assert.equal(res.status, 503, path);
            assert.equal(res.headers.get('retry-after'), '5');
            const text = await res.text();
            assert.deepEqual(JSON.parse(text), { detail: 'Database unavailable, retry shortly' });
            assert.doesNotMatch(text, /secret-pw|127\.0\.0\.1|ECONNREFUSED|SELECT|at /);
        }
        const ready = await app.request('/healthz/ready');
        assert.equal(ready.status, 503);
        assert.match((await ready.json()).reason, /database unavailable/);
        await sql.end({ timeout: 1 });
    });
});
