/** The API as a process (`npm run api`): config errors, concurrent migration, load, outage, SIGTERM. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { waitFor } from '../bootstrap/run/wait.ts';
import { postJson, startApiProcess } from '../test/support/api.ts';
import { ROOT } from '../test/support/root.ts';
import { untilOk } from '../test/support/http.ts';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { nodeArgs, programFile } from '../test/support/programs.ts';

let pg: TestPostgres;
let admin: postgres.Sql;
const reset = () => admin.unsafe('DROP TABLE IF EXISTS posts, users, schema_migrations');
const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
};

before(async () => { pg = await startPostgres(); admin = postgres(pg.url, { max: 2, onnotice: () => {} }); });
after(async () => { await admin.end({ timeout: 1 }); await pg.destroy(); });

describe('configuration', () => {
  const run = (env: Record<string, string>) => spawnSync(process.execPath, nodeArgs(programFile('api/server')), {
    cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH!, ...env },
  });

  it('no database configured: exit 2 with one clear line', () => {
    const r = run({});
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^wiki-api: invalid configuration: DATABASE_URL: set DATABASE_URL/);
  });

  it('bad values are named, never echoed (a URL may hold a password)', () => {
    const r = run({ DATABASE_URL: 'mysql://u:hunter2@h/db', PORT: 'eighty', LOG_LEVEL: 'loud' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    for (const key of ['DATABASE_URL', 'PORT', 'LOG_LEVEL']) assert.match(r.stderr, new RegExp(key));
    assert.doesNotMatch(r.stderr, /hunter2|at .*\.ts/);
  });
});

describe('processes', () => {
  it('two processes migrating the same empty database at once both become ready; each migration applied once', async () => {
    await reset();
    const [a, b] = await Promise.all([startApiProcess({ DATABASE_URL: pg.url }), startApiProcess({ DATABASE_URL: pg.url })]);
    try {
      const rows = await admin`SELECT version FROM schema_migrations ORDER BY version`;
      assert.deepEqual(rows.map((r) => r.version), ['00001_users.sql', '00002_posts.sql']);
      assert.equal((await postJson(`${a.url}/users`, { name: 'from a' })).status, 201);
      assert.equal((await fetch(`${b.url}/users/1`)).status, 200);
    } finally {
      a.child.kill('SIGTERM'); b.child.kill('SIGTERM');
      assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
    }
    // Logs are batched; after a clean exit every line is out: one process applied both files, the other none.
    const applied = [a, b].map((p) => /"applied":\[(.*?)\]/.exec(p.output())?.[1]);
    assert.deepEqual(applied.sort(), ['', '"00001_users.sql","00002_posts.sql"']);
  });

  it('hundreds of parallel POSTs: unique ids, rows == 201s == counter', async () => {
    await reset();
    const api = await startApiProcess({ DATABASE_URL: pg.url, DB_POOL_MAX: '10' });
    try {
      const N = 400;
      const results = await Promise.all(Array.from({ length: N }, (_, i) => postJson(`${api.url}/users`, { name: `u${i}` })
        .then(async (r) => ({ status: r.status, id: ((await r.json()) as { id: number }).id }))));
      assert.ok(results.every((r) => r.status === 201), JSON.stringify(results.filter((r) => r.status !== 201).slice(0, 3)));
      const ids = new Set(results.map((r) => r.id));
      assert.equal(ids.size, N);
      const [{ n }] = await admin<[{ n: number }]>`SELECT count(*)::int AS n FROM users`;
      assert.equal(n, N);
      assert.equal(await metric(api.url, 'users_created_total'), N);
      const posts = await Promise.all(Array.from({ length: 200 }, (_, i) => postJson(`${api.url}/posts`, { user_id: (i % 2) ? [...ids][i]! : 999_999, content: 'c' })));
      const statuses = posts.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 100);
      assert.equal(statuses.filter((s) => s === 404).length, 100);
      assert.equal(await metric(api.url, 'posts_created_total'), 100);
    } finally {
      api.child.kill('SIGTERM');
      assert.equal(await api.exited, 0);
    }
  });

  it('PostgreSQL restart while requests flow: 503s meanwhile, recovery without restart, no acknowledged write lost', async () => {
    await reset();
    const api = await startApiProcess({ DATABASE_URL: pg.url, DB_CONNECT_TIMEOUT_S: '2' });
    const acked: number[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const r = await postJson(`${api.url}/users`, { name: `w${i}` });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const body = await r.json() as { id?: number; detail?: unknown };
        if (r.status === 201) acked.push(body.id!);
        else { assert.equal(r.status, 503); assert.equal(r.headers.get('retry-after'), '5'); }
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      await pg.stop();
      await new Promise((r) => setTimeout(r, 1000));
      const ready = await fetch(`${api.url}/healthz/ready`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status: string }).status, 'unavailable');
      assert.equal((await fetch(`${api.url}/healthz/live`)).status, 200);
      await pg.start();
      const deadline = Date.now() + 20_000;
      await untilOk(`${api.url}/healthz/ready`, { timeoutMs: 20_000, intervalMs: 200, what: 'readiness again after the restart' });
      const before = acked.length;
      await waitFor(async () => acked.length > before + 10, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 100, what: 'writes to succeed again' });
    } finally {
      stop = true;
      await writer;
    }
    assert.ok((statuses.get(503) ?? 0) > 0, `saw the outage: ${JSON.stringify([...statuses])}`);
    assert.deepEqual([...statuses.keys()].sort(), [201, 503]);
    const stored = new Set((await admin`SELECT id FROM users`).map((r) => r.id as number));
    assert.deepEqual(acked.filter((id) => !stored.has(id)), []);
    assert.equal(api.child.exitCode, null, 'the API never crashed');
    api.child.kill('SIGTERM');
    assert.equal(await api.exited, 0);
  });

  it('SIGTERM with requests in flight: they complete, readiness is 503 at once, exit 0, nothing acknowledged lost', async () => {
    await reset();
    const api = await startApiProcess({ DATABASE_URL: pg.url });
    await postJson(`${api.url}/users`, { name: 'warm' });
    // Hold the table so that the next inserts are provably in flight when the signal lands.
    const lock = admin.reserve();
    const conn = await lock;
    await conn`BEGIN`;
    await conn`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`;
    // As many as the API's pool holds (DB_POOL_MAX, 10), so each is provably in flight: waiting on the lock in PostgreSQL.
    const inflight = Array.from({ length: 10 }, (_, i) => postJson(`${api.url}/users`, { name: `inflight${i}` }));
    await waitFor(async () => Number((await admin`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'insert into users%'`)[0]!.n) === 10,
      { timeoutMs: 20_000, intervalMs: 50, what: 'the 10 inserts to wait on the lock' });
    const t0 = Date.now();
    api.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(api.child.exitCode, null, 'still draining');
    await assert.rejects(fetch(`${api.url}/users`), 'the listener is closed to new connections');
    await conn`COMMIT`;
    conn.release();
    const responses = await Promise.all(inflight);
    assert.deepEqual(responses.map((r) => r.status), Array(10).fill(201));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: number }).id));
    assert.equal(await api.exited, 0);
    assert.ok(Date.now() - t0 < 10_000);
    const stored = await admin`SELECT id FROM users WHERE id IN ${admin(ids)}`;
    assert.equal(stored.length, 10);
    assert.match(api.output(), /shutting down: draining in-flight requests/);
    assert.match(api.output(), /shutdown complete/);
  });

  it('a second SIGTERM exits at once', async () => {
    const api = await startApiProcess({ DATABASE_URL: pg.url });
    const conn = await admin.reserve();
    await conn`BEGIN`;
    await conn`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`;
    const pending = postJson(`${api.url}/users`, { name: 'stuck' }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 300));
    api.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(api.child.exitCode, null);
    api.child.kill('SIGTERM');
    assert.equal(await api.exited, 1);
    assert.ok((await pending) instanceof Error, 'the stuck request was not acknowledged');
    await conn`ROLLBACK`;
    conn.release();
  });
});
