/**
 * Times `wiki backup` and `wiki restore` for N users and N posts (default 100 000 each) on the test
 * suite's PostgreSQL 18 laid out as the chart's container, through the same path as the tests (fake
 * kubectl exec with the rendered container's environment → real pg_dump/psql 18).
 *   WIKI_PG_BIN=/var/cache/wiki-appliance/postgresql-18.6.0/bin npx tsx scripts/bench/backup.ts [N]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appOn } from '../../test/support/api.ts';
import { ROOT } from '../../test/support/root.ts';
import { FAKES, fakeHome } from '../../test/support/appliance.ts';
import { renderAppliance } from '../../test/support/helm.ts';
import { startPostgresPod, type PostgresPod } from '../../test/support/postgres-pod.ts';

const n = Number(process.argv[2] ?? 100_000);
const pods = { src: await startPostgresPod(renderAppliance(), 'this chart'), dst: await startPostgresPod(renderAppliance(), 'this chart') };
const src = await appOn(pods.src.apiUrl, { reset: false });
const dst = await appOn(pods.dst.apiUrl, { reset: false });
await src.sql`INSERT INTO users (name) SELECT 'user ' || i FROM generate_series(1, ${n}) i`;
await src.sql`INSERT INTO posts (user_id, content) SELECT 1 + (i % ${n}), repeat('wiki text ', 10) || i FROM generate_series(1, ${n}) i`;

const state = mkdtempSync(join(tmpdir(), 'wiki-bench-backup-'));
mkdirSync(join(state, 'wiki'));
const env = { PATH: `${FAKES}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root', WIKI_PG_BIN: process.env.WIKI_PG_BIN ?? '',
  FAKE_STATE: state, WIKI_STATE_DIR: join(state, 'wiki'), WIKI_HOME: fakeHome() };
const wiki = (args: string[], pod: PostgresPod) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'start-cluster.ts', ...args], { cwd: ROOT, env: { ...env, FAKE_POD_EXEC_ENV: JSON.stringify(pod.execEnv) }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wiki ${args.join(' ')}: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, stderr: r.stderr.trim() };
};
const file = join(state, 'wiki.sql');
const backup = wiki(['backup', '-o', file], pods.src);
const restore = wiki(['restore', '-i', file], pods.dst);
const [row] = await dst.sql<{ count: string }[]>`SELECT count(*) FROM posts`;
console.log(`${n} users + ${n} posts: dump ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`);
console.log(`backup  ${backup.s.toFixed(2)} s  (${backup.stderr})`);
console.log(`restore ${restore.s.toFixed(2)} s  (${restore.stderr}; ${row?.count} posts in the target)`);
await src.close();
await dst.close();
await pods.src.destroy();
await pods.dst.destroy();
