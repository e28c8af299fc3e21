/**
 * The request path's own CPU cost, in process (`npm run build`, then `npx tsx
 * scripts/bench/request-path.ts [build ...]`): @hono/node-server's listener is driven over fake
 * sockets with Node's real IncomingMessage and ServerResponse, and an instant fake `sql`, so neither
 * PostgreSQL nor the kernel is measured. The reference app and the API of each build directory
 * (default dist; e.g. a copy of dist from another commit) serve blocks of requests in interleaved
 * rounds; it prints µs per request and the reference's share. Env: BENCH_BLOCK (requests per block, 500),
 * BENCH_ROUNDS (60), BENCH_ROUTES (labels).
 */
import { getRequestListener } from '@hono/node-server';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { resolve } from 'node:path';
import type { createApp } from '../../api/app.ts';
import type { Sql } from '../../api/db/client.ts';
import type { Lifecycle } from '../../api/lib/lifecycle.ts';
import { batchedDestination, type createLogger } from '../../api/lib/logger.ts';
import type { createMetrics } from '../../api/lib/metrics.ts';
import { referenceApp } from './reference.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;
type Request = { method: string; url: string; body?: string };

const BLOCK = Number(process.env.BENCH_BLOCK ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const ONLY = process.env.BENCH_ROUTES?.split(',');
const CONCURRENCY = 20;

/** Every query answers at once with one row that fits users and posts alike. */
const row = () => ({ id: 7, name: 'bench user', created_time: new Date(), post_id: 3, user_id: 1, content: 'a benchmark post body' });
const sql = ((..._args: unknown[]) => Promise.resolve([row()])) as unknown as Sql;

type ApiModules = { createApp: typeof createApp; createLogger: typeof createLogger; createMetrics: typeof createMetrics; Lifecycle: typeof Lifecycle };
/** The API as the server assembles it, its log destination batched as in production but to /dev/null. */
function apiApp(m: ApiModules): Listener {
  const lifecycle = new m.Lifecycle();
  lifecycle.phase = 'ready';
  const log = m.createLogger('info', batchedDestination('/dev/null'));
  return getRequestListener(m.createApp({ sql, metrics: m.createMetrics({ defaults: false }), log, lifecycle }).fetch);
}

async function build(dir: string): Promise<ApiModules> {
  const at = (file: string) => import(resolve(dir, 'api', file));
  const [app, logger, metrics, lifecycle] = await Promise.all([at('app.js'), at('lib/logger.js'), at('lib/metrics.js'), at('lib/lifecycle.js')]);
  return { createApp: app.createApp, createLogger: logger.createLogger, createMetrics: metrics.createMetrics, Lifecycle: lifecycle.Lifecycle };
}

/** A socket that accepts every write and sends nothing anywhere. */
function nullSocket(): Socket {
  const socket = new Socket();
  socket.write = ((_chunk: unknown, encoding?: unknown, cb?: () => void) => { (typeof encoding === 'function' ? encoding : cb)?.(); return true; }) as Socket['write'];
  socket.cork = () => {};
  socket.uncork = () => {};
  return socket;
}

/** One request through the listener; resolves with the status once the response has finished. */
function serve(listener: Listener, { method, url, body }: Request): Promise<number> {
  return new Promise((done) => {
    const socket = nullSocket();
    const req = new IncomingMessage(socket);
    req.method = method;
    req.url = url;
    const raw = ['Host', 'bench', ...(body ? ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body))] : [])];
    req.rawHeaders = raw;
    for (let i = 0; i < raw.length; i += 2) req.headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
    if (body) req.push(Buffer.from(body));
    req.push(null);
    req.complete = true;
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => { res.detachSocket(socket); done(res.statusCode); });
    void listener(req, res);
  });
}

const ROUTES: Record<string, () => Request> = {
  'POST /users': () => ({ method: 'POST', url: '/users', body: '{"name":"bench user"}' }),
  'GET /users/{id}': () => ({ method: 'GET', url: `/users/${1 + Math.floor(Math.random() * 1000)}` }),
  'POST /posts': () => ({ method: 'POST', url: '/posts', body: '{"user_id":1,"content":"a benchmark post body"}' }),
};

/** µs per request over one block of BLOCK requests, CONCURRENCY at a time. */
async function block(listener: Listener, next: () => Request): Promise<number> {
  let left = BLOCK;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (left-- > 0) {
      const status = await serve(listener, next());
      if (status >= 300) throw new Error(`status ${status}`);
    }
  }));
  return Number(process.hrtime.bigint() - start) / BLOCK / 1000;
}

const apps: [string, Listener][] = [['reference', getRequestListener(referenceApp(sql).fetch)]];
for (const dir of process.argv.length > 2 ? process.argv.slice(2) : ['dist']) apps.push([dir, apiApp(await build(dir))]);

for (const [label, next] of Object.entries(ROUTES).filter(([l]) => !ONLY || ONLY.includes(l))) {
  const total = new Map(apps.map(([name]) => [name, 0]));
  for (const [, listener] of apps) await block(listener, next); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < apps.length; k++) {
      const [name, listener] = apps[(k + round) % apps.length]!; // rotate who goes first
      total.set(name, total.get(name)! + await block(listener, next));
    }
  }
  const reference = total.get('reference')!;
  console.log(`${label}: ${apps.map(([name]) => `${name} ${(total.get(name)! / ROUNDS).toFixed(1)} µs (${(reference / total.get(name)!).toFixed(2)})`).join(', ')}`);
}
