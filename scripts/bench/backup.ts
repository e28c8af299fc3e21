/**
 * Times `wiki backup` and `wiki restore` for N users and N posts (default 100 000 each) on the test
 * suite's PostgreSQL 18, through the same path as the tests (fake kubectl exec → real pg_dump/psql 18).
 *   WIKI_PG_BIN=/var/cache/wiki-appliance/postgresql-18.6.0/bin npx tsx scripts/bench/backup.ts [N]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appOn, ROOT } from '../../test/support/api.ts';
import { FAKES, fakeHome } from '../../test/support/appliance.ts';
import { startPostgres } from '../../test/support/postgres.ts';

const n = Number(process.argv[2] ?? 100_000);
const pg = await startPostgres();
const url = (db: string) => pg.url.replace(/\/postgres$/, `/${db}`);
const admin = await appOn(pg.url, { reset: false });
await admin.sql`CREATE DATABASE src`;
await admin.sql`CREATE DATABASE dst`;
await admin.close();
const src = await appOn(url('src'));
const dst = await appOn(url('dst'));
await src.sql`INSERT INTO users (name) SELECT 'user ' || i FROM generate_series(1, ${n}) i`;
await src.sql`INSERT INTO posts (user_id, content) SELECT 1 + (i % ${n}), repeat('wiki text ', 10) || i FROM generate_series(1, ${n}) i`;

const state = mkdtempSync(join(tmpdir(), 'wiki-bench-backup-'));
mkdirSync(join(state, 'wiki'));
const env = { PATH: `${FAKES}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root', WIKI_PG_BIN: process.env.WIKI_PG_BIN ?? '',
  FAKE_STATE: state, WIKI_STATE_DIR: join(state, 'wiki'), WIKI_HOME: fakeHome() };
const wiki = (args: string[], db: string) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'start-cluster.ts', ...args], { cwd: ROOT, env: { ...env, FAKE_POSTGRES_URL: url(db) }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wiki ${args.join(' ')}: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, stderr: r.stderr.trim() };
};
const file = join(state, 'wiki.sql');
const backup = wiki(['backup', '-o', file], 'src');
const restore = wiki(['restore', '-i', file], 'dst');
const [row] = await dst.sql<{ count: string }[]>`SELECT count(*) FROM posts`;
console.log(`${n} users + ${n} posts: dump ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
console.log(`backup  ${backup.s.toFixed(2)} s  (${backup.stderr})`);
console.log(`restore ${restore.s.toFixed(2)} s  (${restore.stderr}; ${row?.count} posts in the target)`);
await src.close();
await dst.close();
await pg.destroy();
