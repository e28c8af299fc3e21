/** Test fixtures around the API: an in-process app on a real database, or a real server process. */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { createApp } from "../../api/app.js";
import { createSql } from "../../api/db/client.js";
import { migrate } from "../../api/db/migrate.js";
import { Lifecycle } from "../../api/lib/lifecycle.js";
import { createLogger } from "../../api/lib/logger.js";
import { createMetrics } from "../../api/lib/metrics.js";
import { untilOk } from "./http.js";
import { ROOT } from "./root.js";
import { freePort } from "./postgres.js";
/** Collects pino's JSON lines so tests can assert on logs. */
export function logSink() {
    const lines = [];
    const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n'))
            if (l)
                lines.push(JSON.parse(l)); cb(); } });
    return { lines, stream };
}
export async function appOn(url, { reset = true } = {}) {
    const sql = createSql({ url, port: 5432, name: '', user: '', poolMax: 20, connectTimeoutS: 3 });
    if (reset)
        await sql.unsafe('DROP TABLE IF EXISTS posts, users, schema_migrations');
    await migrate(sql);
    const sink = logSink();
    const log = createLogger('info', sink.stream);
    const metrics = createMetrics({ defaults: false });
    const lifecycle = new Lifecycle();
    lifecycle.phase = 'ready';
    const app = createApp({ sql, metrics, log, lifecycle });
    return { app, sql, metrics, lifecycle, logs: sink.lines, close: () => sql.end({ timeout: 1 }) };
}
/** `node --import tsx api/server.ts`, as `npm run api` runs it, on a free port; resolves once ready. */
export async function startApiProcess(env, { waitReady = true } = {}) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
        cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    if (waitReady) {
        await untilOk(`${url}/healthz/ready`, { what: 'the API to be ready', gone: () => (child.exitCode !== null ? `api exited ${child.exitCode}` : undefined), context: () => out });
    }
    return { url, port, child, output: () => out, exited };
}
export const postJson = (url, body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
