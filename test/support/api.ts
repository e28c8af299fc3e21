/** Test fixtures around the API: an in-process app on a real database, or a real server process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { createApp } from '../../api/app.ts';
import { createSql, type Sql } from '../../api/db/client.ts';
import { migrate } from '../../api/db/migrate.ts';
import { Lifecycle } from '../../api/lib/lifecycle.ts';
import { createLogger } from '../../api/lib/logger.ts';
import { createMetrics } from '../../api/lib/metrics.ts';
import { untilOk } from './http.ts';
import { ROOT } from './root.ts';
import { freePort } from './postgres.ts';
import { nodeArgs, programFile } from './programs.ts';

/** Collects pino's JSON lines so tests can assert on logs. */
export function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); cb(); } });
  return { lines, stream };
}

export async function appOn(url: string, { reset = true } = {}) {
  const sql: Sql = createSql({ url, port: 5432, name: '', user: '', poolMax: 20, connectTimeoutS: 3 });
  if (reset) await sql.unsafe('DROP TABLE IF EXISTS posts, users, schema_migrations');
  await migrate(sql);
  const sink = logSink();
  const log = createLogger('info', sink.stream);
  const metrics = createMetrics({ defaults: false });
  const lifecycle = new Lifecycle();
  lifecycle.phase = 'ready';
  const app = createApp({ sql, metrics, log, lifecycle });
  return { app, sql, metrics, lifecycle, logs: sink.lines, close: () => sql.end({ timeout: 1 }) };
}

export type ApiProcess = { url: string; port: number; child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** The API server (api/server, programs.ts: compiled as the image runs it, or from source) on a free port; resolves once ready. */
export async function startApiProcess(env: Record<string, string>, { waitReady = true } = {}): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs(programFile('api/server')), {
    cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  if (waitReady) {
    await untilOk(`${url}/healthz/ready`, { what: 'the API to be ready', gone: () => (child.exitCode !== null ? `api exited ${child.exitCode}` : undefined), context: () => out });
  }
  return { url, port, child, output: () => out, exited };
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
