/** Dockerfile.api, built for real (on the local stand-in for the Node base) and run against a real PostgreSQL. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { postJson } from "../support/api.js";
import { docker, LOCAL_BASES, requireDocker } from "../support/docker.js";
import { untilOk } from "../support/http.js";
import { freePort, startPostgres } from "../support/postgres.js";
const TAG = 'wiki-appliance/api:ci-test';
const NAME = 'wiki-api-ci-test';
describe('Dockerfile.api', () => {
    let pg;
    let port = 0;
    let built = false;
    before(async () => {
        docker(['rm', '-f', NAME], { check: false });
        pg = await startPostgres();
        port = await freePort();
    });
    after(async () => { docker(['rm', '-f', NAME], { check: false }); await pg?.destroy(); });
    const run = () => docker(['run', '-d', '--name', NAME, '--network', 'host', '-e', `DATABASE_URL=${pg.url}`, '-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1', TAG]);
    const waitReady = () => untilOk(`http://127.0.0.1:${port}/healthz/ready`, { intervalMs: 200, what: 'the API container to be ready', context: () => docker(['logs', NAME], { check: false }).stdout });
    it('builds, with production dependencies and compiled code only', (t) => {
        if (!requireDocker(t))
            return;
        docker(['build', '-f', 'Dockerfile.api', ...LOCAL_BASES, '-t', TAG, '.']);
        built = true;
        const size = Number(docker(['image', 'inspect', '-f', '{{.Size}}', TAG]).stdout);
        t.diagnostic(`API image size: ${(size / 1e6).toFixed(0)} MB`);
        const listing = docker(['run', '--rm', '--entrypoint', 'sh', TAG, '-c', 'ls /app /app/dist/api /app/dist/api/db/migrations; test ! -e /app/node_modules/typescript && test ! -e /app/node_modules/tsx && test ! -e /app/node_modules/redoc && test -s /app/dist/api/vendor/redoc.standalone.js && echo no-dev-deps']).stdout;
        assert.match(listing, /server\.js/);
        assert.match(listing, /00001_users\.sql/);
        assert.match(listing, /no-dev-deps/);
        assert.doesNotMatch(listing, /\.ts\b/);
        assert.equal(docker(['image', 'inspect', '-f', '{{.Config.User}}', TAG]).stdout, 'node');
        assert.equal(docker(['image', 'inspect', '-f', '{{json .Config.Cmd}}', TAG]).stdout, '["node","dist/api/server.js"]');
    });
    it('serves the contract as a non-root user and reports healthy', async (t) => {
        if (!requireDocker(t) || !built)
            return;
        run();
        await waitReady();
        const created = await postJson(`http://127.0.0.1:${port}/users`, { name: 'from the image' });
        assert.equal(created.status, 201);
        const user = await created.json();
        assert.equal((await fetch(`http://127.0.0.1:${port}/users/${user.id}`)).status, 200);
        assert.equal((await fetch(`http://127.0.0.1:${port}/users/abc`)).status, 422);
        assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /^users_created_total 1$/m);
        for (const path of ['/docs', '/redoc', '/docs/assets/swagger-ui-bundle.js', '/redoc/assets/redoc.standalone.js']) {
            assert.equal((await fetch(`http://127.0.0.1:${port}${path}`)).status, 200, `${path}: the documentation packages are production dependencies`);
        }
        assert.equal(docker(['exec', NAME, 'id', '-u']).stdout, '1000');
        assert.equal(docker(['exec', NAME, 'cat', '/proc/1/cmdline']).stdout.replaceAll('\0', ' ').trim(), 'node dist/api/server.js', 'node is PID 1');
        for (let i = 0; docker(['inspect', '-f', '{{.State.Health.Status}}', NAME]).stdout !== 'healthy'; i++) {
            assert.ok(i < 60, 'HEALTHCHECK turns healthy');
            await new Promise((r) => setTimeout(r, 500));
        }
    });
    it('docker stop under load: exit 0 within 10 s, every acknowledged write stored', async (t) => {
        if (!requireDocker(t) || !built)
            return;
        const acked = [];
        let stop = false;
        const workers = Array.from({ length: 16 }, async () => {
            while (!stop) {
                try {
                    const r = await postJson(`http://127.0.0.1:${port}/users`, { name: 'load' });
                    if (r.status === 201)
                        acked.push((await r.json()).id);
                }
                catch { /* refused once the listener closes: never acknowledged */ }
            }
        });
        await new Promise((r) => setTimeout(r, 1500));
        const t0 = Date.now();
        docker(['stop', '--time', '10', NAME]);
        const took = Date.now() - t0;
        stop = true;
        await Promise.all(workers);
        assert.ok(took < 10_000, `stopped in ${took} ms`);
        assert.equal(docker(['inspect', '-f', '{{.State.ExitCode}}', NAME]).stdout, '0');
        assert.ok(acked.length > 50, `${acked.length} writes acknowledged under load`);
        const sql = postgres(pg.url, { max: 1, onnotice: () => { } });
        const stored = new Set((await sql `SELECT id FROM users`).map((r) => r.id));
        await sql.end();
        assert.deepEqual(acked.filter((id) => !stored.has(id)), [], 'nothing acknowledged is lost');
        assert.match(docker(['logs', NAME]).stdout, /shutdown complete/);
        t.diagnostic(`docker stop under load took ${took} ms with ${acked.length} acknowledged writes`);
    });
});
