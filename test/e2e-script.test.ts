/**
 * scripts/e2e.ts, the check the GitHub workflow runs against a booted appliance, run here against what
 * stands in for one: behind each appliance's port the real API on its own PostgreSQL 18 database and
 * the bootstrap tests' fake Grafana; the fake docker (test/fakes) for run, logs, restart, kill, stats
 * and exec, where `docker exec … wiki` runs the real `wiki` command (start-cluster.ts) whose backup
 * and restore reach that database through the fake kubectl and real pg_dump/psql 18, and whose
 * `logs api` replays the API process's own stdout.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import postgres from 'postgres';
import { startApiProcess, type ApiProcess } from './support/api.ts';
import { FAKES, fakeHome, fakeService } from './support/appliance.ts';
import { renderAppliance } from './support/helm.ts';
import { freePort } from './support/postgres.ts';
import { startPostgresPod, type PostgresPod } from './support/postgres-pod.ts';
import { ROOT } from './support/root.ts';
import { requirePgClients } from './support/tools.ts';

const PG_BIN = process.env.WIKI_PG_BIN;
const IMAGE = 'wiki-appliance:e2e-amd64';
const REBUILT = 'wiki-appliance:e2e-amd64-rebuilt';
const API_REF = 'wiki-appliance/api:0.1.0-3f2a9c41d07b';
const REBUILT_REF = 'wiki-appliance/api:0.1.0-8e1d5b2a6c90';
const VOLUME = '9c3e5a7b1d2f4e6a8c0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c';

let grafana: Awaited<ReturnType<typeof fakeService>>;
/**
 * One appliance's port: the real API on its own PostgreSQL, laid out as the chart's container (so `wiki
 * backup`/`restore` through the fake kubectl exec run in that container's environment), its stdout in a
 * file (the container's log).
 */
type Appliance = { api: ApiProcess; front: Server; port: number; db: string; log: string; pod: PostgresPod };
let main: Appliance;
let fresh: Appliance;
const dirs: string[] = [];
let images: Record<string, { apiRef: string; home: string }>;

/** One port, as the appliance's: /grafana/* to the fake Grafana, the rest to the API. */
async function frontDoor(apiUrl: string, grafanaUrl: string, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', req.url?.startsWith('/grafana/') ? grafanaUrl : apiUrl);
    const upstream = request(target, { method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
    upstream.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

async function appliance(): Promise<Appliance> {
  const pod = await startPostgresPod(renderAppliance(), 'this chart');
  const url = pod.apiUrl;
  const api = await startApiProcess({ DATABASE_URL: url });
  const log = join(mkdtempSync(join(tmpdir(), 'wiki-e2e-api-')), 'stdout.log');
  dirs.push(join(log, '..'));
  writeFileSync(log, api.output());
  api.child.stdout!.on('data', (d) => appendFileSync(log, d));
  const port = await freePort();
  return { api, front: await frontDoor(api.url, grafana.url, port), port, db: url, log, pod };
}

/**
 * A fake docker state holding one running appliance that booted a minute ago from IMAGE on an
 * anonymous volume: revision 1 of the release deployed with IMAGE's API, as that boot leaves it.
 */
function dockerState(container: string, extra: Record<string, number> = {}, { leftover = false } = {}): string {
  const state = mkdtempSync(join(tmpdir(), 'wiki-e2e-state-'));
  dirs.push(state);
  writeFileSync(join(state, 'dockerd.pid'), String(process.pid));
  const boot = { start: Date.now() - 60_000, revision: 1 };
  writeFileSync(join(state, 'appliances.json'), JSON.stringify({
    containers: {
      [container]: { image: IMAGE, volume: VOLUME, port: String(main.port), running: true, boots: [boot], named: false },
      // An earlier run's second appliance, stopped, with its named volume.
      ...(leftover ? { [`${container}-fresh`]: { image: IMAGE, volume: `${container}-fresh-data`, port: String(fresh.port), running: false, boots: [{ ...boot, cut: 5000, stopped: true }], named: true } } : {}),
    },
    volumes: [VOLUME, ...(leftover ? [`${container}-fresh-data`] : [])], ...extra,
  }));
  mkdirSync(join(state, `vol-${VOLUME}`, 'wiki'), { recursive: true });
  writeFileSync(join(state, `vol-${VOLUME}`, 'helm.json'), JSON.stringify([{ revision: 1, status: 'deployed', description: 'Install complete', apiImage: API_REF }]));
  return state;
}

type Run = { code: number; output: string; state: string; out: string };
async function e2e(container: string, { env = {} as Record<string, string>, fake = {} as Record<string, number>, imageRefs = {} as Record<string, string>, leftover = false } = {}): Promise<Run> {
  const state = dockerState(container, fake, { leftover });
  const out = join(state, 'out');
  grafana.state.password = 'admin';
  // Each run's second appliance starts on an empty database, as on a new volume.
  const sql = postgres(fresh.db, { max: 1, onnotice: () => {} });
  try { await sql`TRUNCATE posts, users RESTART IDENTITY`; } finally { await sql.end(); }
  const world = {
    FAKE_APPLIANCE_IMAGES: JSON.stringify(Object.fromEntries(Object.entries(images).map(([k, v]) => [k, { ...v, apiRef: imageRefs[k] ?? v.apiRef }]))),
    FAKE_VOLUMES: JSON.stringify({ [VOLUME]: { podEnv: main.pod.execEnv, apiLog: main.log }, [`${container}-fresh-data`]: { podEnv: fresh.pod.execEnv, apiLog: fresh.log } }),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/e2e.ts', `http://127.0.0.1:${main.port}`, container], {
      cwd: ROOT, timeout: 300_000, maxBuffer: 1 << 26,
      env: {
        ...process.env, PATH: `${FAKES}:${process.env.PATH}`, FAKE_STATE: state, E2E_OUT: out, WIKI_PG_BIN: PG_BIN ?? '', ...world,
        E2E_STATS_INTERVAL_S: '1', E2E_POLL_S: '0.5', E2E_KILL_POLL_S: '0.2', E2E_READY_TIMEOUT_S: '60', FAKE_BOOT_MS: '4000',
        E2E_IMAGE: IMAGE, E2E_UPGRADE_IMAGE: REBUILT, E2E_FRESH_PORT: String(fresh.port), GRAFANA_ADMIN_PASSWORD: 'admin', ...env,
      },
    }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr, state, out }));
  });
}
const dockerCalls = (state: string) => readFileSync(join(state, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tool: string; args: string[] })
  .filter((c) => c.tool === 'docker').map((c) => c.args.join(' '));

const needTools = (t: TestContext) => requirePgClients(t);

const PHASES = ['api', 'logs', 'status', 'grafana', 'helm-test', 'backup-restore', 'restore-fresh', 'restart', 'grafana-password', 'kill-release', 'upgrade', 'budget'];

describe('scripts/e2e.ts', () => {
  before(async () => {
    grafana = await fakeService({ mode: 'ok', password: 'admin', users: 0 });
    main = await appliance();
    fresh = await appliance();
    images = { [IMAGE]: { apiRef: API_REF, home: fakeHome({ apiRef: API_REF }) }, [REBUILT]: { apiRef: REBUILT_REF, home: fakeHome({ apiRef: REBUILT_REF }) } };
    dirs.push(...Object.values(images).map((i) => i.home));
  });
  after(async () => {
    grafana?.server.close();
    for (const a of [main, fresh]) {
      if (!a) continue;
      a.front.close();
      a.api.child.kill('SIGTERM');
      await a.api.exited;
      await a.pod.destroy();
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('passes every phase against a working appliance: the journey, each operator command, restarts, a kill, an upgrade, the budget', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13', { leftover: true });
    assert.equal(r.code, 0, r.output);
    for (const phase of PHASES) assert.match(r.output, new RegExp(`^e2e: ${phase} ok in \\d+\\.\\ds$`, 'm'));
    const summary = readFileSync(join(r.out, 'summary.md'), 'utf8');
    assert.deepEqual(summary.match(/^e2e: [a-z-]+ ok/gm)?.map((l) => l.slice(5, -3)), PHASES, 'every phase, in order, in the summary');
    assert.equal(summary.trim().split('\n').at(-1), 'e2e: all phases passed');
    assert.match(r.output, /users_created_total up to 4, posts_created_total up to 1/);
    // wiki logs api: the access line of the script's own request, found by the X-Request-Id the API answered with.
    const reqId = /^ {2}wiki logs api: POST \/users 201 reqId (\S+)$/m.exec(r.output)?.[1];
    assert.ok(reqId, r.output);
    assert.ok(readFileSync(main.log, 'utf8').split('\n').some((l) => l.includes(`"reqId":"${reqId}"`) && l.includes('"msg":"request"')), 'the API logged it');
    assert.match(r.output, /^ {2}wiki status: healthy, 5 pods ready$/m);
    assert.match(r.output, /2 helm test pod\(s\) succeeded/);
    // backup → one more user → restore --force: that user gone, the next one gets its id again.
    const next = Number(/^ {2}wiki backup: \d+ users, 1 posts, next user id (\d+)$/m.exec(r.output)?.[1]);
    assert.ok(next > 4, r.output);
    assert.match(r.output, new RegExp(`^ {2}wiki restore --force: the backup's rows and ids back, user ${next} gone, the next user got id ${next}$`, 'm'));
    assert.match(r.output, new RegExp(`^ {2}wiki restore into wiki-e2e-13-fresh: ${next - 1} users, 1 posts, the next user got id ${next}$`, 'm'));
    // The rows really are in each database: the second appliance holds the backup's users with their ids, plus the one it created.
    const sql = postgres(fresh.db, { max: 1, onnotice: () => {} });
    const mainSql = postgres(main.db, { max: 1, onnotice: () => {} });
    try {
      const freshUsers = await sql<{ id: number; name: string }[]>`SELECT id, name FROM users WHERE id < ${next} ORDER BY id`;
      const mainUsers = await mainSql<{ id: number; name: string }[]>`SELECT id, name FROM users WHERE id < ${next} ORDER BY id`;
      assert.equal(freshUsers.length, next - 1);
      assert.deepEqual([...freshUsers], [...mainUsers]);
      assert.deepEqual([...await sql`SELECT name FROM users WHERE id = ${next}`], [{ name: 'e2e on the fresh appliance' }]);
    } finally { await sql.end(); await mainSql.end(); }
    assert.match(r.output, /password changed; READY again/);
    assert.notEqual(grafana.state.password, 'admin', 'the password was changed through Grafana\'s API');
    assert.match(r.output, /^ {2}killed \d+\.\ds after docker restart, in: release: starting \(deadline 600s\)$/m);
    assert.match(r.output, new RegExp(`^ {2}API ${API_REF} → ${REBUILT_REF}, its ReplicaSet serving; user \\d+ and post \\d+ kept$`, 'm'));
    // The first boot's peak, read before any restart (the fake's cgroup starts over at each start, as cgroup v2 does).
    assert.match(r.output, /peak memory 2150 MiB of 4096 MiB \(first boot: cgroup memory\.peak 2150 MiB\)/);
    assert.match(r.output, /volume \/var\/lib\/docker 3221 MB of 5000 MB/);
    // The volume per component, from du's lines (the fake replays GNU du's output for this layout).
    assert.match(r.output, /^ {4}2139 MB {2}volumes\n {4}1073 MB {2}overlay2\n {7}8 MB {2}image\n {4}in volumes\/, the k3s node's data:\n {6}1503 MB {2}k3s containerd \(images\)\n {7}318 MB {2}PVC wiki-prometheus\n {7}241 MB {2}PVC data-wiki-postgresql-0\n {8}52 MB {2}PVC wiki-grafana$/m);
    assert.match(r.output, /peak CPU 38\.5% of 200%/);
    const calls = dockerCalls(r.state);
    for (const c of ['exec wiki-e2e-13 helm test wiki --namespace wiki --kubeconfig /var/lib/docker/wiki-appliance/kubeconfig --timeout 5m',
      'exec wiki-e2e-13 wiki status', 'exec wiki-e2e-13 wiki logs api', 'exec wiki-e2e-13 wiki backup', 'exec -i wiki-e2e-13 wiki restore --force',
      `run -d --privileged -p ${fresh.port}:8080 --name wiki-e2e-13-fresh -v wiki-e2e-13-fresh-data:/var/lib/docker ${IMAGE}`,
      'exec -i wiki-e2e-13-fresh wiki restore', 'rm -f wiki-e2e-13-fresh', 'volume rm wiki-e2e-13-fresh-data',
      'restart --time 30 wiki-e2e-13', 'kill wiki-e2e-13', 'start wiki-e2e-13', 'stop --time 60 wiki-e2e-13', 'rm wiki-e2e-13',
      `run -d --privileged -p ${main.port}:8080 --name wiki-e2e-13 -v ${VOLUME}:/var/lib/docker ${REBUILT}`]) assert.ok(calls.includes(c), `${c}\n${calls.join('\n')}`);
    // An earlier run's second appliance and volume were removed first, so the restore went into a fresh one.
    const fresh2 = calls.indexOf(`run -d --privileged -p ${fresh.port}:8080 --name wiki-e2e-13-fresh -v wiki-e2e-13-fresh-data:/var/lib/docker ${IMAGE}`);
    assert.ok(calls.indexOf('rm -f wiki-e2e-13-fresh') < fresh2 && calls.indexOf('volume rm wiki-e2e-13-fresh-data') < fresh2);
    assert.equal(calls.filter((c) => c === 'volume rm wiki-e2e-13-fresh-data').length, 2);
    // The kill came after the first boot was long READY: only after the restart's release phase began.
    assert.ok(calls.indexOf('kill wiki-e2e-13') > calls.lastIndexOf('restart --time 30 wiki-e2e-13'));
    const apps = JSON.parse(readFileSync(join(r.state, 'appliances.json'), 'utf8'));
    assert.equal(apps.containers['wiki-e2e-13'].image, REBUILT);
    assert.ok(!apps.containers['wiki-e2e-13-fresh'] && !apps.volumes.includes('wiki-e2e-13-fresh-data'), 'the second appliance and its volume are gone');
  });

  it('fails naming the check when a restore loses a row', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13d', { env: { FAKE_LOSE_ROW: '1' } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^e2e: status ok in/m);
    assert.match(r.output, /^FAILED: backup-restore: wiki restore --force on wiki-e2e-13d: the rows differ from the backup's: \d+d\d+\n< \d+\te2e counter\t/m);
    assert.doesNotMatch(r.output, /e2e: backup-restore ok/);
    assert.match(readFileSync(join(r.out, 'summary.md'), 'utf8'), /^FAILED: backup-restore: /m);
  });

  it('fails when wiki status is not healthy (a crash-looping API pod)', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13e', { env: { FAKE_PODS: 'unready' } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^e2e: logs ok in/m);
    assert.match(r.output, /^FAILED: wiki status exited non-zero: .*\n(.*\n)* {2}wiki-api-7d9c8-abcde +0\/1 +ready +4 restarts/m);
  });

  it('fails when wiki logs api does not hold the request', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13f', { env: { FAKE_VOLUMES: JSON.stringify({ [VOLUME]: { podEnv: main.pod.execEnv } }), E2E_LOGS_TIMEOUT_S: '2' } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^FAILED: wiki logs api holds no access line with reqId \S+ \(2 lines\)/m);
  });

  it('fails naming the check when Grafana refuses the admin password', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13b', { env: { GRAFANA_ADMIN_PASSWORD: 'wrong' } });
    assert.equal(r.code, 1);
    assert.match(r.output, /^e2e: status ok in/m);
    assert.match(r.output, /FAILED: GET \/grafana\/api\/dashboards\/uid\/creation-dashboard-678: status 401, expected 200/);
    assert.doesNotMatch(r.output, /e2e: grafana ok/);
  });

  it('fails when the rebuilt image did not change the API (the Deployment still runs the old one)', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13g', { imageRefs: { [REBUILT]: API_REF } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^e2e: kill-release ok in/m);
    assert.match(r.output, new RegExp(`^FAILED: upgrade: the API Deployment still runs ${API_REF}$`, 'm'));
  });

  it('fails on the budget: the first boot\'s memory peak counts though a restart started the cgroup over; the volume over 5 GB', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13c', { fake: { diskBytes: 6_000_000_000, memoryPeak: 5 * 2 ** 30 } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^e2e: upgrade ok in/m);
    assert.match(r.output, /peak memory 5120 MiB of 4096 MiB \(first boot: cgroup memory\.peak 5120 MiB\)/);
    assert.match(r.output, /volume \/var\/lib\/docker 6000 MB of 5000 MB/);
    assert.match(r.output, /^FAILED: peak memory 5120 MiB is over the 4 GiB budget; the volume holds 6000000000 bytes, over the 5 GB budget$/m);
  });

  it('in CI, a phase whose image is not given fails instead of being left out', async (t) => {
    if (!needTools(t)) return;
    const r = await e2e('wiki-e2e-13h', { env: { CI: 'true', E2E_UPGRADE_IMAGE: '' } });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /^FAILED: upgrade: E2E_UPGRADE_IMAGE is required when CI=true$/m);
    assert.doesNotMatch(r.output, /e2e: api ok/, 'before any phase runs');
  });
});
