/**
 * The chart's PostgreSQL init script, taken from the rendered ConfigMap and run as the official image
 * runs /docker-entrypoint-initdb.d/*.sh on a first start (executable: in its own bash, as the
 * superuser, over the unix socket, with POSTGRES_USER, POSTGRES_DB and PGPASSWORD exported), against
 * a real PostgreSQL 18. Then the API's role migrates, reads and writes, and is refused the rest.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { migrate } from '../../api/db/migrate.ts';
import { find, render, type Yaml } from '../support/helm.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { requireTool } from '../support/tools.ts';

const API_PASSWORD = 'api-role-password-4b1d';

describe('PostgreSQL init script (chart ConfigMap) on a real PostgreSQL 18', () => {
  let pg: TestPostgres | undefined;
  let dir: string | undefined;
  let run: ReturnType<typeof spawnSync> | undefined;
  let env: Record<string, Yaml> = {};
  const conns: postgres.Sql[] = [];
  const connect = (user: string, password: string, db: string) => {
    const sql = postgres({ host: '127.0.0.1', port: pg!.port, username: user, password, database: db, max: 1, onnotice: () => {} });
    conns.push(sql);
    return sql;
  };

  before(async (t) => {
    if (!requireTool(t as never, 'helm') || !requireTool(t as never, 'psql')) return;
    const objs = render(['--set', `postgresql.auth.password=${API_PASSWORD}`]);
    const script = find(objs, 'ConfigMap', 'wiki-postgresql-initdb').data['10-api-role.sh'];
    const container = find(objs, 'StatefulSet', 'wiki-postgresql').spec.template.spec.containers[0];
    env = Object.fromEntries(container.env.map((e: Yaml) => [e.name, e.value]));
    dir = mkdtempSync(join(tmpdir(), 'wiki-initdb-'));
    const file = join(dir, '10-api-role.sh');
    writeFileSync(file, script);
    chmodSync(file, 0o555);
    pg = await startPostgres({ superuser: env.POSTGRES_USER });
    run = spawnSync(file, [], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH, POSTGRES_USER: env.POSTGRES_USER, POSTGRES_DB: env.POSTGRES_USER, PGPASSWORD: pg.password,
        PGHOST: pg.socketDir, PGPORT: String(pg.port),
        WIKI_DB_USER: env.WIKI_DB_USER, WIKI_DB_NAME: env.WIKI_DB_NAME, WIKI_DB_PASSWORD: API_PASSWORD,
      },
    });
  });
  after(async () => {
    await Promise.all(conns.map((c) => c.end({ timeout: 1 })));
    await pg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs to completion as the superuser, never printing the password', (t) => {
    if (!requireTool(t, 'helm') || !requireTool(t, 'psql')) return;
    assert.equal(run!.status, 0, `${run!.stdout}${run!.stderr}`);
    assert.doesNotMatch(`${run!.stdout}${run!.stderr}`, new RegExp(API_PASSWORD));
  });

  it('the API role is a plain login role that owns the wiki database', async (t) => {
    if (!requireTool(t, 'helm') || !requireTool(t, 'psql')) return;
    const su = connect(env.POSTGRES_USER, pg!.password, 'postgres');
    const [role] = await su`SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = ${env.WIKI_DB_USER}`;
    assert.deepEqual({ ...role }, { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolcanlogin: true });
    const [db] = await su`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ${env.WIKI_DB_NAME}`;
    assert.equal(db?.owner, env.WIKI_DB_USER);
  });

  it('the API role migrates, writes and reads its database', async (t) => {
    if (!requireTool(t, 'helm') || !requireTool(t, 'psql')) return;
    const api = connect(env.WIKI_DB_USER, API_PASSWORD, env.WIKI_DB_NAME);
    assert.deepEqual(await migrate(api), ['00001_users.sql', '00002_posts.sql']);
    const [user] = await api`INSERT INTO users (name) VALUES ('ada') RETURNING id`;
    await api`INSERT INTO posts (user_id, content) VALUES (${user!.id}, 'hello')`;
    const rows = await api`SELECT u.name, p.content FROM posts p JOIN users u ON u.id = p.user_id`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ name: 'ada', content: 'hello' }]);
    assert.deepEqual(await migrate(api), [], 'a second start finds nothing to do');
  });

  for (const [what, statement] of [
    ['CREATE ROLE', 'CREATE ROLE intruder LOGIN SUPERUSER'],
    ['read pg_authid (password hashes)', 'SELECT rolpassword FROM pg_authid'],
    ['CREATE DATABASE', 'CREATE DATABASE other'],
    ['ALTER its own role to superuser', `ALTER ROLE CURRENT_USER SUPERUSER`],
  ] as const) {
    it(`the API role cannot ${what}`, async (t) => {
      if (!requireTool(t, 'helm') || !requireTool(t, 'psql')) return;
      const api = connect(env.WIKI_DB_USER, API_PASSWORD, env.WIKI_DB_NAME);
      await assert.rejects(api.unsafe(statement), (err: { code?: string }) => err.code === '42501', 'insufficient_privilege');
    });
  }

  it('other roles cannot connect to the wiki database (CONNECT revoked from PUBLIC)', async (t) => {
    if (!requireTool(t, 'helm') || !requireTool(t, 'psql')) return;
    const su = connect(env.POSTGRES_USER, pg!.password, 'postgres');
    await su.unsafe(`CREATE ROLE reader LOGIN PASSWORD 'reader-pw'`);
    const other = connect('reader', 'reader-pw', env.WIKI_DB_NAME);
    await assert.rejects(other`SELECT 1`, (err: { code?: string }) => err.code === '42501');
  });
});
