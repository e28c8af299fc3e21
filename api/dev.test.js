/** `npm run dev` serves the API with no database configured (in-process PGlite). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { ROOT } from "../test/support/root.js";
import { untilOk } from "../test/support/http.js";
import { freePort } from "../test/support/postgres.js";
it('answers POST /users and GET /users/{id} with no DATABASE_URL, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/root', PORT: String(port) };
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/dev.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise((r) => child.once('exit', r));
    try {
        await untilOk(`http://127.0.0.1:${port}/healthz/ready`, { timeoutMs: 60_000, intervalMs: 200, what: 'the dev server to be ready',
            gone: () => (child.exitCode !== null ? `dev server exited ${child.exitCode}` : undefined), context: () => out });
        const res = await fetch(`http://127.0.0.1:${port}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' });
        assert.equal(res.status, 201);
        const user = await res.json();
        assert.equal(user.name, 'a');
        assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/users/${user.id}`)).json(), user);
        assert.match(out, /not for production/);
    }
    finally {
        child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
});
