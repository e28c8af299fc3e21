/** The HTTP contract (docs/api-contract.md) through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { appOn, logSink } from '../test/support/api.ts';
import { freePort, startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { createApp } from './app.ts';
import { createSql } from './db/client.ts';
import { Lifecycle } from './lib/lifecycle.ts';
import { createLogger } from './lib/logger.ts';
import { createMetrics } from './lib/metrics.ts';

/** Request logs and HTTP metrics are recorded on the next turn of the event loop. */
const settle = () => new Promise((r) => setImmediate(r));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let pg: TestPostgres;
let ctx: Awaited<ReturnType<typeof appOn>>;

const req = (path: string, init?: RequestInit) => ctx.app.request(path, init);
const post = (path: string, body: unknown, type = 'application/json') =>
  req(path, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const createUser = async (name = 'ada') => (await (await post('/users', { name })).json()) as { id: number; name: string };
const count = async (table: 'users' | 'posts') => Number((await ctx.sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
const counter = async (name: string) => (await ctx.metrics.registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;

before(async () => { pg = await startPostgres(); });
after(async () => { await ctx?.close(); await pg.destroy(); });
beforeEach(async () => { await ctx?.close(); ctx = await appOn(pg.url); });

describe('users', () => {
  it('POST /users creates a row and answers 201 with id, trimmed name and ISO time', async () => {
    const res = await post('/users', { name: '  Ada Lovelace ', extra: 'ignored' });
    assert.equal(res.status, 201);
    const body = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['created_time', 'id', 'name']);
    assert.equal(body.name, 'Ada Lovelace');
    assert.match(String(body.created_time), ISO);
    const [row] = await ctx.sql`SELECT name FROM users WHERE id = ${body.id as number}`;
    assert.equal(row!.name, 'Ada Lovelace');
  });

  it('accepts a trailing slash on every route', async () => {
    assert.equal((await post('/users/', { name: 'x' })).status, 201);
    assert.equal((await req('/users/1/')).status, 200);
    assert.equal((await req('/user/1/')).status, 200);
    assert.equal((await req('/users/')).status, 200);
    assert.equal((await post('/posts/', { user_id: 1, content: 'c' })).status, 201);
    assert.equal((await req('/posts/1/')).status, 200);
  });

  for (const [name, ok] of [['a', true], ['x'.repeat(200), true], ['😀'.repeat(200), true], [` ${'x'.repeat(200)} `, true],
    ['', false], ['   ', false], ['x'.repeat(201), false], ['😀'.repeat(201), false], ['a\u0000b', false], ['\ud800', false]] as const) {
    it(`name of ${[...name].length} code points ${JSON.stringify(name.slice(0, 6))}… → ${ok ? 201 : 422}`, async () => {
      const res = await post('/users', { name });
      assert.equal(res.status, ok ? 201 : 422);
      if (!ok) {
        const body = await res.json() as { detail: { loc: unknown[]; msg: string; type: string }[] };
        assert.deepEqual(body.detail[0]!.loc, ['body', 'name']);
        assert.equal(typeof body.detail[0]!.msg, 'string');
      }
    });
  }

  it('422 in the FastAPI shape for a missing or mistyped name', async () => {
    let res = await post('/users', {});
    assert.equal(res.status, 422);
    assert.deepEqual(await res.json(), { detail: [{ loc: ['body', 'name'], msg: 'Invalid input: expected string, received undefined', type: 'missing' }] });
    res = await post('/users', { name: 5 });
    assert.equal(((await res.json()) as { detail: { type: string }[] }).detail[0]!.type, 'string_type');
    for (const body of ['[]', 'null', '"ada"', '42']) {
      res = await post('/users', body);
      assert.equal(res.status, 422, body);
      assert.deepEqual(((await res.json()) as { detail: { loc: unknown[] }[] }).detail[0]!.loc, ['body']);
    }
    assert.equal(await count('users'), 0);
  });

  it('malformed JSON is 422 with loc ["body"]', async () => {
    for (const body of ['{"name":', '{name: 1}', '', '{"name":"a"}x']) {
      const res = await post('/users', body);
      assert.equal(res.status, 422, body);
      const detail = ((await res.json()) as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
      assert.deepEqual(detail, [{ loc: ["body"], msg: detail[0]!.msg, type: "json_invalid" }]);
      assert.match(detail[0]!.msg, /^JSON decode error/);
    }
  });

  it('415 for a body that is not application/json; charset and +json are fine', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post('/users', '{"name":"a"}', type);
      assert.equal(res.status, 415, type);
      assert.match(((await res.json()) as { detail: string }).detail, /application\/json/);
    }
    assert.equal((await req('/users', { method: 'POST', body: '{"name":"a"}' })).status, 415);
    assert.equal((await post('/users', { name: 'a' }, 'application/json; charset=utf-8')).status, 201);
    assert.equal((await post('/users', { name: 'a' }, 'application/merge-patch+json')).status, 201);
  });

  it('413 over 64 KiB, while exactly 64 KiB is read and validated', async () => {
    const exact = JSON.stringify({ name: 'a', pad: 'x'.repeat(65536 - 21) });
    assert.equal(Buffer.byteLength(exact), 65536);
    assert.equal((await post('/users', exact)).status, 201);
    const res = await post('/users', JSON.stringify({ name: 'a', pad: 'x'.repeat(65536) }));
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { detail: string }).detail, /65536 bytes/);
    assert.equal(await count('users'), 1);
  });

  it('GET /users/{id} and /user/{id} answer the same; 404 and 422 as the contract says', async () => {
    const u = await createUser('grace');
    const a = await (await req(`/users/${u.id}`)).json();
    const b = await (await req(`/user/${u.id}`)).json();
    assert.deepEqual(a, b);
    assert.deepEqual(a, { ...u });
    for (const path of ['/users/2147483647', '/user/999']) {
      const res = await req(path);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { detail: 'User not found' });
    }
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999', '2147483648', '1e3', '%20', '01x']) {
      const res = await req(`/users/${bad}`);
      assert.equal(res.status, 422, bad);
      assert.deepEqual(((await res.json()) as { detail: { loc: unknown[] }[] }).detail[0]!.loc, ['path', 'id']);
    }
  });

  it('GET /users pages by keyset with next links until null', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createUser(`u${i}`)).id);
    const seen: number[] = [];
    let next: string | null = '/users?limit=3';
    const nexts: (string | null)[] = [];
    while (next) {
      const res = await req(next);
      assert.equal(res.status, 200);
      const body = await res.json() as { items: { id: number }[]; next: string | null };
      seen.push(...body.items.map((u) => u.id));
      next = body.next;
      nexts.push(next);
    }
    assert.deepEqual(seen, ids);
    assert.deepEqual(nexts, [`/users?after=${ids[2]}&limit=3`, `/users?after=${ids[5]}&limit=3`, null]);
    // An exact multiple ends with next: null rather than an empty page.
    const last = await (await req(`/users?after=${ids[3]}&limit=3`)).json() as { items: unknown[]; next: null };
    assert.equal(last.items.length, 3);
    assert.equal(last.next, null);
    const all = await (await req('/users')).json() as { items: unknown[]; next: null };
    assert.equal(all.items.length, 7);
    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'after=0', 'after=-1', 'limit=1&limit=2', 'after=99999999999']) {
      assert.equal((await req(`/users?${q}`)).status, 422, q);
    }
    assert.equal((await req('/users?limit=500')).status, 200);
  });
});

describe('posts', () => {
  it('POST /posts creates a post for an existing user (201) and 404s for a missing one', async () => {
    const u = await createUser();
    const res = await post('/posts', { user_id: u.id, content: 'hello' });
    assert.equal(res.status, 201);
    const body = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['content', 'created_time', 'post_id', 'user_id']);
    assert.equal(body.user_id, u.id);
    assert.match(String(body.created_time), ISO);
    const missing = await post('/posts', { user_id: u.id + 1000, content: 'x' });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'User not found' });
    assert.equal(await count('posts'), 1);
    assert.equal(await counter('posts_created_total'), 1);
  });

  for (const [label, body] of [
    ['user_id as a string', { user_id: '1', content: 'x' }], ['user_id 1.5', { user_id: 1.5, content: 'x' }],
    ['user_id 0', { user_id: 0, content: 'x' }], ['user_id past int4', { user_id: 2147483648, content: 'x' }],
    ['content empty', { user_id: 1, content: '' }], ['content 10001', { user_id: 1, content: 'x'.repeat(10001) }],
    ['content missing', { user_id: 1 }], ['content a number', { user_id: 1, content: 7 }], ['user_id null', { user_id: null, content: 'x' }],
  ] as const) {
    it(`422 for ${label}`, async () => {
      await createUser();
      const res = await post('/posts', body);
      assert.equal(res.status, 422);
      const detail = ((await res.json()) as { detail: { loc: string[] }[] }).detail;
      assert.equal(detail[0]!.loc[0], 'body');
      assert.equal(await count('posts'), 0);
    });
  }

  it('content of exactly 10000 characters is accepted', async () => {
    const u = await createUser();
    assert.equal((await post('/posts', { user_id: u.id, content: 'é'.repeat(10000) })).status, 201);
  });

  it('GET /posts/{id}, GET /posts filtered by user_id and paged', async () => {
    const a = await createUser('a');
    const b = await createUser('b');
    const mine: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await (await post('/posts', { user_id: i % 2 ? b.id : a.id, content: `p${i}` })).json() as { post_id: number };
      if (i % 2 === 0) mine.push(r.post_id);
    }
    const one = await req(`/posts/${mine[0]}`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { content: string }).content, 'p0');
    const missing = await req('/posts/999');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'Post not found' });
    assert.equal((await req('/posts/abc')).status, 422);
    const p1 = await (await req(`/posts?user_id=${a.id}&limit=2`)).json() as { items: { post_id: number; user_id: number }[]; next: string };
    assert.deepEqual(p1.items.map((p) => p.post_id), mine.slice(0, 2));
    assert.equal(p1.next, `/posts?user_id=${a.id}&after=${mine[1]}&limit=2`);
    const p2 = await (await req(p1.next)).json() as { items: { post_id: number }[]; next: null };
    assert.deepEqual(p2.items.map((p) => p.post_id), mine.slice(2));
    assert.equal(p2.next, null);
    const all = await (await req('/posts')).json() as { items: unknown[] };
    assert.equal(all.items.length, 5);
    assert.equal((await req('/posts?user_id=abc')).status, 422);
  });
});

describe('the rest of the surface', () => {
  it('unknown route 404, wrong method 405 with Allow', async () => {
    const res = await req('/nope');
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { detail: 'Not Found' });
    const del = await req('/users/1', { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, HEAD');
    const put = await req('/users', { method: 'PUT' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
    assert.deepEqual(await put.json(), { detail: 'Method Not Allowed' });
    assert.equal((await req('/users/1/extra')).status, 404);
  });

  it('X-Request-Id is echoed or generated, and the request log line carries it', async () => {
    const echoed = await req('/users', { headers: { 'X-Request-Id': 'abc-123' } });
    assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
    const generated = await req('/nope');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f]{12}-[0-9a-z]+$/);
    const again = await req('/nope');
    assert.notEqual(again.headers.get('x-request-id'), generated.headers.get('x-request-id'));
    await settle();
    const line = ctx.logs.find((l) => l.reqId === 'abc-123');
    assert.ok(line, 'request log line');
    assert.deepEqual({ method: line.method, route: line.route, status: line.status }, { method: 'GET', route: '/users', status: '200' });
    assert.equal(typeof line.duration_ms, 'number');
    // The access line is written by hand; it must be the line pino itself writes for those fields.
    const sink = logSink();
    createLogger('info', sink.stream).info({ reqId: line.reqId, method: line.method, route: line.route, status: line.status, duration_ms: line.duration_ms }, 'request');
    await new Promise((r) => setImmediate(r));
    const pinos = sink.lines[0]!;
    assert.deepEqual(Object.keys(line), Object.keys(pinos));
    assert.deepEqual({ ...line, time: 0 }, { ...pinos, time: 0 });
    assert.ok(Math.abs((line.time as number) - Date.now()) < 60_000);
  });

  it('counters equal committed rows after a mix of good and rejected requests', async () => {
    const u = await createUser();
    await post('/users', { name: '' });
    await post('/users', '{');
    await post('/users', { name: 'b' }, 'text/plain');
    await post('/users', { name: 'ok' });
    await post('/posts', { user_id: u.id, content: 'x' });
    await post('/posts', { user_id: 424242, content: 'x' });
    await post('/posts', { user_id: u.id, content: '' });
    assert.equal(await counter('users_created_total'), await count('users'));
    assert.equal(await counter('users_created_total'), 2);
    assert.equal(await counter('posts_created_total'), await count('posts'));
    assert.equal(await counter('posts_created_total'), 1);
  });

  it('GET /metrics is Prometheus text with HELP lines and route patterns, never raw paths', async () => {
    await createUser();
    await req('/users/1');
    await req('/users/424242');
    await settle();
    const res = await req('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /# HELP users_created_total Total number of users created\n# TYPE users_created_total counter\nusers_created_total 1\n/);
    assert.match(text, /# HELP posts_created_total Total number of posts created/);
    assert.match(text, /http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1/);
    assert.match(text, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/users\/:id",status="200"\}/);
    assert.doesNotMatch(text, /route="\/users\/1"/);
  });

  it('health endpoints follow the lifecycle', async () => {
    assert.deepEqual(await (await req('/healthz/live')).json(), { status: 'ok' });
    assert.deepEqual(await (await req('/healthz/ready')).json(), { status: 'ok' });
    const health = await (await req('/health')).json() as { status: string; checks: { database: { status: string; latency_ms: number } }; timestamp: string };
    assert.equal(health.status, 'healthy');
    assert.equal(health.checks.database.status, 'healthy');
    assert.equal(typeof health.checks.database.latency_ms, 'number');
    assert.match(health.timestamp, ISO);
    ctx.lifecycle.phase = 'starting';
    let res = await req('/healthz/ready');
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { status: string }).status, 'unavailable');
    ctx.lifecycle.phase = 'draining';
    res = await req('/healthz/ready');
    assert.deepEqual(await res.json(), { status: 'unavailable', reason: 'shutting down' });
    assert.equal(res.headers.get('connection'), 'close');
    assert.equal((await req('/healthz/live')).status, 200);
  });

  it('GET / lists the endpoints; /openapi.json documents the same schemas; /docs serves Swagger UI', async () => {
    const root = await (await req('/')).json() as { message: string; endpoints: Record<string, string> };
    assert.equal(root.message, 'User and Post API');
    assert.ok(root.endpoints['POST /users']);
    const doc = await (await req('/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> } };
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/users', '/users/{id}', '/user/{id}', '/posts', '/posts/{id}']) assert.ok(doc.paths[p], p);
    assert.deepEqual(Object.keys(doc.paths['/users']!.post!.responses).sort(), ['201', '413', '415', '422', '503']);
    assert.ok(doc.components.schemas.NewPost!.properties.user_id);
    const docs = await req('/docs');
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger-ui/i);
  });
});

describe('database outage', () => {
  it('503 with Retry-After and no internals when the database cannot be reached', async () => {
    const port = await freePort(); // nothing listens here
    const sql = createSql({ url: `postgres://wiki:secret-pw@127.0.0.1:${port}/wiki`, port, name: '', user: '', poolMax: 2, connectTimeoutS: 2 });
    const lifecycle = new Lifecycle();
    lifecycle.phase = 'ready';
    const app = createApp({ sql, metrics: createMetrics({ defaults: false }), log: createLogger('silent'), lifecycle });
    for (const [path, init] of [['/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }], ['/users/1', {}], ['/posts', {}]] as const) {
      const res = await app.request(path, init);
      assert.equal(res.status, 503, path);
      assert.equal(res.headers.get('retry-after'), '5');
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { detail: 'Database unavailable, retry shortly' });
      assert.doesNotMatch(text, /secret-pw|127\.0\.0\.1|ECONNREFUSED|SELECT|at /);
    }
    const ready = await app.request('/healthz/ready');
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { reason: string }).reason, /database unavailable/);
    await sql.end({ timeout: 1 });
  });
});
