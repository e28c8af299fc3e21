/**
 * The verify phase reads only: READY leaves the users' data as it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boot, fakeService, ready, world } from "../../test/support/appliance.js";
describe('READY without touching the users\' data', () => {
    it('verify only reads (no POST reaches the service) and the first user created afterwards gets id 1', async () => {
        const fresh = { mode: 'ok', password: 'admin', users: 0 };
        const own = await fakeService(fresh);
        try {
            const w = world();
            const b = await boot({ ...w.env, WIKI_PROBE_URL: own.url }, { until: ready });
            assert.equal(b.code, 0, b.output);
            assert.match(b.output, /verify: 5 checks through .*: GET \/healthz\/ready, GET \/metrics, GET \/grafana\/api\/health, dashboard creation-dashboard-678, GET \/users\?limit=1/);
            assert.equal(fresh.writes ?? 0, 0, 'no write during verify');
            const created = await fetch(`${own.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Alice"}' });
            assert.equal(created.status, 201);
            assert.equal((await created.json()).id, 1);
        }
        finally {
            own.server.close();
        }
    });
});
