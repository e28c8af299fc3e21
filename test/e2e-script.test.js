/**
 * scripts/e2e, the check the GitHub workflow runs against a booted appliance, run here against what
 * stands in for one: the real API on PostgreSQL 18 and the bootstrap tests' fake service (Grafana)
 * behind one port, and the fake docker (test/fakes) for exec, restart, logs and stats.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { startApiProcess } from "./support/api.js";
import { ROOT } from "./support/root.js";
import { FAKES, fakeService } from "./support/appliance.js";
import { startPostgres } from "./support/postgres.js";
import { requireTool } from "./support/tools.js";
let pg;
let api;
let grafana;
let front;
let base;
const dirs = [];
/** One port, as the appliance's: /grafana/* to the fake Grafana, the rest to the API. */
async function frontDoor(apiUrl, grafanaUrl) {
    const server = createServer((req, res) => {
        const target = new URL(req.url ?? '/', req.url?.startsWith('/grafana/') ? grafanaUrl : apiUrl);
        const upstream = request(target, { method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
        upstream.on('error', () => { res.writeHead(502); res.end(); });
        req.pipe(upstream);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return server;
}
/** A fake docker state holding one running appliance container (and a daemon that is up: this process). */
function dockerState(container, extra = {}) {
    const state = mkdtempSync(join(tmpdir(), 'wiki-e2e-state-'));
    dirs.push(state);
    writeFileSync(join(state, 'dockerd.pid'), String(process.pid));
    writeFileSync(join(state, 'appliance.json'), JSON.stringify({ name: container, restarts: 0, ...extra }));
    return state;
}
function e2e(container, { env = {}, fake = {} } = {}) {
    const state = dockerState(container, fake);
    const out = join(state, 'out');
    return new Promise((resolve) => {
        execFile('bash', ['scripts/e2e', base, container], {
            cwd: ROOT, timeout: 120_000,
            env: { ...process.env, PATH: `${FAKES}:${process.env.PATH}`, FAKE_STATE: state, E2E_OUT: out, E2E_STATS_INTERVAL_S: '0.2', GRAFANA_ADMIN_PASSWORD: 'admin', ...env },
        }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr, state, out }));
    });
}
const dockerCalls = (state) => readFileSync(join(state, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((c) => c.tool === 'docker').map((c) => c.args.join(' '));
describe('scripts/e2e', () => {
    before(async () => {
        pg = await startPostgres();
        api = await startApiProcess({ DATABASE_URL: pg.url });
        grafana = await fakeService({ mode: 'ok', password: 'admin', users: 0 });
        front = await frontDoor(api.url, grafana.url);
        base = `http://127.0.0.1:${front.address().port}`;
    });
    after(async () => {
        front?.close();
        grafana?.server.close();
        if (api) {
            api.child.kill('SIGTERM');
            await api.exited;
        }
        await pg?.destroy();
        for (const d of dirs)
            rmSync(d, { recursive: true, force: true });
    });
    it('passes every phase against a working appliance, with its rows in PostgreSQL and the budget figures', async (t) => {
        if (!requireTool(t, 'jq') || !requireTool(t, 'curl'))
            return;
        const r = await e2e('wiki-e2e-13');
        assert.equal(r.code, 0, r.output);
        for (const phase of ['api', 'grafana', 'helm-test', 'restart', 'budget'])
            assert.match(r.output, new RegExp(`^e2e: ${phase} ok in \\d+\\.\\ds$`, 'm'));
        assert.match(r.output, /users_created_total up to 4, posts_created_total up to 1/);
        assert.match(r.output, /2 helm test pod\(s\) succeeded/);
        assert.match(r.output, /peak memory 2150 MiB of 4096 MiB \(cgroup memory\.peak 2150 MiB\)/);
        assert.match(r.output, /volume \/var\/lib\/docker 3221 MB of 5000 MB/);
        assert.match(r.output, /peak CPU 38\.5% of 200%/);
        assert.equal(readFileSync(join(r.out, 'summary.md'), 'utf8').trim().split('\n').at(-1), 'e2e: all phases passed');
        assert.ok(readFileSync(join(r.out, 'stats.tsv'), 'utf8').split('\n').some((l) => /^\d+\t38\.52%\t1\.874GiB$/.test(l)), 'docker stats samples');
        const calls = dockerCalls(r.state);
        assert.ok(calls.includes('exec wiki-e2e-13 helm test wiki --namespace wiki --kubeconfig /var/lib/docker/wiki-appliance/kubeconfig --timeout 5m'), calls.join('\n'));
        assert.ok(calls.includes('restart --time 30 wiki-e2e-13'));
        // The journey's rows are in the database: the user it named and read back after the restart, and its post.
        const sql = postgres(pg.url, { max: 1, onnotice: () => { } });
        try {
            const users = await sql `SELECT id FROM users WHERE name LIKE 'e2e-%'`;
            assert.equal(users.length, 1);
            const posts = await sql `SELECT 1 FROM posts WHERE user_id = ${users[0].id} AND content = 'hello from e2e'`;
            assert.equal(posts.length, 1);
        }
        finally {
            await sql.end();
        }
    });
    it('fails naming the check when Grafana refuses the admin password', async (t) => {
        if (!requireTool(t, 'jq'))
            return;
        const r = await e2e('wiki-e2e-13b', { env: { GRAFANA_ADMIN_PASSWORD: 'wrong' } });
        assert.equal(r.code, 1);
        assert.match(r.output, /^e2e: api ok in/m);
        assert.match(r.output, /FAILED: GET \/grafana\/api\/dashboards\/uid\/creation-dashboard-678: status 401, expected 200/);
        assert.doesNotMatch(r.output, /e2e: grafana ok/);
    });
    it('fails when the volume is over the 5 GB budget', async (t) => {
        if (!requireTool(t, 'jq'))
            return;
        const r = await e2e('wiki-e2e-13c', { fake: { diskBytes: 6_000_000_000 } });
        assert.equal(r.code, 1, r.output);
        assert.match(r.output, /volume \/var\/lib\/docker 6000 MB of 5000 MB/);
        assert.match(r.output, /FAILED: the volume holds 6000000000 bytes, over the 5 GB budget/);
    });
});
