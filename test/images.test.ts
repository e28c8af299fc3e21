/**
 * The stand-ins of the chart's images (test/images/README.md), built with the local Docker engine and each run
 * the way the chart runs it (the rendered container: env, user, read-only root, mounts), proving the part of the
 * official image's contract the chart relies on; then all of them pushed to a real registry and pulled back.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readVersions } from '../bootstrap/config/pins.ts';
import { DASHBOARD } from '../bootstrap/config/urls.ts';
import { inPostgres } from '../bootstrap/ops/pods.ts';
import { sleep, waitFor } from '../bootstrap/run/wait.ts';
import { docker } from './support/docker.ts';
import { find, render, renderAppliance, type K8sObject, type Yaml } from './support/helm.ts';
import { childEnv } from './support/daemons.ts';
import { registryLaunch } from './support/registry.ts';
import { chartImages, registryPath, registryPaths } from './support/node-images.ts';
import { podRun, type PodRunOpts } from './support/pod-run.ts';
import { containerEnv } from './support/postgres-pod.ts';
import { freePort } from './support/postgres.ts';
import { buildStandIns } from './support/stand-ins.ts';
import { requireTool, skipUnlessCi, which } from './support/tools.ts';

const v = readVersions();
const PREFIX = `wiki-standin-test-${process.pid}`;
const TOOLS = process.env.WIKI_TOOLS_DIR ?? '/var/cache/wiki-appliance';

/** The describe's `skip`: what is missing to build and run the stand-ins; with CI=true that fails instead. */
function standInsSkip(): string | false {
  const missing = ['docker', 'helm', 'go', 'psql'].filter((t) => !which(t));
  if (!missing.length && spawnSync('docker', ['info'], { timeout: 20_000 }).status !== 0) missing.push('a Docker engine answering');
  if (!existsSync(`${TOOLS}/bin/prometheus`)) missing.push(`${TOOLS}/bin/prometheus`);
  if (!missing.length) return false;
  return skipUnlessCi(`${missing.join(', ')} not found (npm test's setup steps bring them)`);
}

const ip = (name: string, network = 'bridge') => docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name]).stdout;
const logs = (name: string) => { const r = docker(['logs', name], { check: false }); return `${r.stdout}\n${r.stderr}`; };
const execOk = (name: string, cmd: string[]) => docker(['exec', name, ...cmd], { check: false }).status === 0;

/** A rendered probe's exec command, run in the container until it succeeds. */
async function untilProbe(name: string, probe: Yaml, what: string, timeoutMs = 60_000) {
  await waitFor(async () => execOk(name, probe.exec.command), { timeoutMs, intervalMs: 500, what: `${what} (${probe.exec.command.join(' ')})` })
    .catch((e: Error) => { throw new Error(`${e.message}\n${logs(name).slice(-3000)}`); });
}

/** psql from this machine over TCP, as `user` with `password`; returns the unaligned output or throws. */
function psql(host: string, user: string, password: string, db: string, sql: string) {
  const r = spawnSync('psql', ['-h', host, '-U', user, '-d', db, '--no-psqlrc', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' } });
  if (r.status !== 0) throw new Error(`psql as ${user}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('the stand-ins of the chart\'s images', { skip: standInsSkip() }, () => {
  const containers: string[] = [];
  const volumes: string[] = [];
  const networks: string[] = [];
  const cleanups: (() => void)[] = [];
  const name = (what: string) => { const n = `${PREFIX}-${what}`; containers.push(n); return n; };
  /** Runs a rendered container detached as `as`; `extra` options go before the image. Its files stay until the end. */
  const start = (objs: K8sObject[], workload: K8sObject, container: string, as: string, opts: PodRunOpts & { extra?: string[] } = {}) => {
    const run = podRun(objs, workload, container, opts);
    cleanups.push(run.cleanup);
    docker(['run', '-d', '--name', as, ...run.options, ...(opts.extra ?? []), run.image, ...run.command]);
    return as;
  };
  before(async () => {
    const t0 = Date.now();
    await buildStandIns({ log: (l) => console.log(l) });
    console.log(`stand-ins ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  });
  after(() => {
    for (const c of containers) docker(['rm', '-f', c], { check: false });
    for (const n of networks) docker(['network', 'rm', n], { check: false });
    for (const vol of volumes) docker(['volume', 'rm', '-f', vol], { check: false });
    for (const cleanup of cleanups) cleanup();
  });

  it('postgres: the chart\'s container initialises once as uid 999 on a read-only root, then keeps its data', { timeout: 300_000 }, async (t) => {
    const objs = renderAppliance();
    const sts = find(objs, 'StatefulSet', 'wiki-postgresql');
    const c = (sts.spec.template.spec.containers as Yaml[]).find((x) => x.name === 'postgresql');
    const env = containerEnv(objs, sts, 'postgresql');
    const volume = `${PREFIX}-pgdata`;
    volumes.push(volume);
    const first = start(objs, sts, 'postgresql', name('postgres-1'), { claims: { data: volume } });
    await untilProbe(first, c.startupProbe, 'the startup probe');
    assert.match(logs(first), /running \/docker-entrypoint-initdb\.d\/10-api-role\.sh/);
    assert.match(logs(first), /PostgreSQL init process complete/);
    assert.equal(docker(['exec', first, 'id', '-u']).stdout, '999');
    assert.ok(execOk(first, c.readinessProbe.exec.command) && execOk(first, c.livenessProbe.exec.command), 'readiness and liveness probes');

    const host = ip(first);
    const app = { user: env.WIKI_DB_USER!, password: env.WIKI_DB_PASSWORD!, db: env.WIKI_DB_NAME! };
    assert.equal(psql(host, app.user, app.password, app.db, 'SELECT current_user, current_database(), rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user'),
      `${app.user}|${app.db}|f|f|f`, 'the init script made the API\'s plain role, owning its database');
    assert.equal(psql(host, 'postgres', env.POSTGRES_PASSWORD!, 'postgres', 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user'), 't', 'POSTGRES_USER is the superuser, with POSTGRES_PASSWORD');
    assert.throws(() => psql(host, app.user, 'not-the-password', app.db, 'SELECT 1'), /password authentication failed/, 'TCP is scram-sha-256');
    psql(host, app.user, app.password, app.db, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES (\'before the restart\')');
    assert.equal(docker(['exec', first, 'psql', '-U', 'postgres', '-Atc', 'SHOW listen_addresses']).stdout, '*', 'local trust over the socket; listening everywhere');

    // What `wiki backup` runs in the pod (bootstrap/ops/pods.ts), against this table.
    const backup = inPostgres('wiki', 'pod', 'pg_dump', ['--data-only', '--table=public.kept'], { stdin: false });
    const dump = docker(['exec', first, ...backup.slice(backup.indexOf('--') + 1)]).stdout;
    assert.match(dump, /COPY public\.kept \(note\) FROM stdin;\nbefore the restart\n\\\./);

    docker(['stop', '-t', '30', first]);
    assert.equal(docker(['inspect', '-f', '{{.State.ExitCode}}', first]).stdout, '0', 'a clean fast shutdown on the image\'s STOPSIGNAL');
    assert.match(logs(first), /database system is shut down/);

    const second = start(objs, sts, 'postgresql', name('postgres-2'), { claims: { data: volume } });
    await untilProbe(second, c.startupProbe, 'the startup probe after a restart');
    assert.match(logs(second), /Skipping initialization/);
    assert.doesNotMatch(logs(second), /docker-entrypoint-initdb\.d/, 'the init scripts run once');
    assert.equal(psql(ip(second), app.user, app.password, app.db, 'SELECT note FROM kept'), 'before the restart');
    t.diagnostic(`postgres stand-in: ${imageSize(v.POSTGRES_IMAGE!)}`);
  });

  it('postgres: the rest of the entrypoint: root steps down, POSTGRES_DB, *.sql run, plain *.sh sourced, a password required', { timeout: 120_000 }, async () => {
    const refused = docker(['run', '--rm', v.POSTGRES_IMAGE!], { check: false });
    assert.deepEqual([refused.status, /superuser password is not specified/.test(refused.stderr)], [1, true], refused.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'wiki-initdb-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, '20-table.sql'), 'CREATE TABLE from_sql (x int);\nINSERT INTO from_sql VALUES (42);\n', { mode: 0o644 });
    writeFileSync(join(dir, '30-sourced.sh'), 'docker_process_sql -c "INSERT INTO from_sql VALUES (43)"\n', { mode: 0o644 });
    writeFileSync(join(dir, 'notes.txt'), 'not a script\n', { mode: 0o644 });
    const pg = name('postgres-root');
    docker(['run', '-d', '--name', pg, '-e', 'POSTGRES_PASSWORD=pw', '-e', 'POSTGRES_DB=custom', '--mount', `type=bind,source=${dir},target=/docker-entrypoint-initdb.d,readonly`, v.POSTGRES_IMAGE!]);
    await waitFor(async () => execOk(pg, ['pg_isready', '-h', '127.0.0.1']), { timeoutMs: 60_000, intervalMs: 500, what: 'postgres started as root' })
      .catch((e: Error) => { throw new Error(`${e.message}\n${logs(pg)}`); });
    assert.match(docker(['exec', pg, 'grep', '^Uid:', '/proc/1/status']).stdout, /^Uid:\s+999\s/, 'the server runs as postgres');
    assert.equal(docker(['exec', pg, 'psql', '-U', 'postgres', '-d', 'custom', '-Atc', 'SELECT sum(x) FROM from_sql']).stdout, '85');
    assert.match(logs(pg), /sourcing \/docker-entrypoint-initdb\.d\/30-sourced\.sh/);
    assert.match(logs(pg), /ignoring \/docker-entrypoint-initdb\.d\/notes\.txt/);
  });

  it('prometheus: upstream\'s layout; as the chart runs it, busybox\'s wget answers its exec probes', { timeout: 120_000 }, async (t) => {
    const cfg = JSON.parse(docker(['image', 'inspect', '-f', '{{json .Config}}', v.PROMETHEUS_IMAGE!]).stdout) as Yaml;
    assert.deepEqual([cfg.User, cfg.WorkingDir, cfg.Entrypoint, cfg.Cmd, Object.keys(cfg.ExposedPorts), Object.keys(cfg.Volumes)],
      ['nobody', '/prometheus', ['/bin/prometheus'], ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'], ['9090/tcp'], ['/prometheus']]);
    assert.equal(docker(['run', '--rm', '--entrypoint', 'id', v.PROMETHEUS_IMAGE!, '-u']).stdout, '65534', 'the image\'s nobody is 65534');
    const prometheus = await startPrometheus(name('prometheus'));
    assert.equal(docker(['exec', prometheus, 'id', '-u']).stdout, '65534');
    const res = await fetch(`http://${ip(prometheus)}:9090/api/v1/query?query=1%2B1`);
    assert.equal(((await res.json()) as Yaml).data.result[1], '2');
    t.diagnostic(`prometheus stand-in: ${imageSize(v.PROMETHEUS_IMAGE!)}`);
  });

  /** The chart's Prometheus container with a minimal config (its own needs the Kubernetes API), ready by its probes. */
  async function startPrometheus(as: string, extra: string[] = []) {
    const objs = renderAppliance();
    const deploy = find(objs, 'Deployment', 'wiki-prometheus');
    const c = (deploy.spec.template.spec.containers as Yaml[]).find((x) => x.name === 'prometheus');
    const volume = `${as}-data`;
    volumes.push(volume);
    const config = 'global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ["127.0.0.1:9090"]\n';
    start(objs, deploy, 'prometheus', as, { claims: { data: volume }, configMaps: { config: { 'prometheus.yml': config } }, extra });
    await untilProbe(as, c.readinessProbe, 'the readiness probe (wget in the image)');
    assert.ok(execOk(as, c.livenessProbe.exec.command), 'the liveness probe');
    return as;
  }

  it('grafana: health, the provisioned dashboard and the datasource\'s real health under /grafana, as the helm test asks', { timeout: 180_000 }, async (t) => {
    const network = `${PREFIX}-net`;
    networks.push(network);
    docker(['network', 'create', network]);
    const objs = renderAppliance();
    const deploy = find(objs, 'Deployment', 'wiki-grafana');
    const c = (deploy.spec.template.spec.containers as Yaml[]).find((x) => x.name === 'grafana');
    const storage = `${PREFIX}-grafana`;
    volumes.push(storage);
    const grafana = start(objs, deploy, 'grafana', name('grafana'), { claims: { storage }, extra: ['--network', network, '--network-alias', 'wiki-grafana'] });
    const base = `http://${ip(grafana, network)}:3000`;
    await waitFor(async () => (await fetch(`${base}${c.startupProbe.httpGet.path}`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, intervalMs: 200, what: 'the startup probe' })
      .catch((e: Error) => { throw new Error(`${e.message}\n${logs(grafana)}`); });
    assert.equal(docker(['exec', grafana, 'id', '-u']).stdout, '472');
    const get = async (path: string, auth?: string) => {
      const r = await fetch(`${base}/grafana${path}`, { headers: auth ? { authorization: auth } : {} });
      return { status: r.status, body: (await r.json()) as Yaml };
    };
    assert.equal((await get('/api/health')).body.database, 'ok');
    const dashboard = await get(`/api/dashboards/uid/${DASHBOARD.uid}`);
    assert.deepEqual([dashboard.status, dashboard.body.dashboard.title, dashboard.body.meta.slug, dashboard.body.meta.url], [200, DASHBOARD.title, DASHBOARD.slug, `/grafana/d/${DASHBOARD.uid}/${DASHBOARD.slug}`]);
    assert.equal((await get('/api/dashboards/uid/no-such-dashboard')).status, 404);
    assert.equal((await get('/api/search')).status, 404, 'nothing beyond what the chart calls');
    const down = await get('/api/datasources/uid/wiki-prometheus/health');
    assert.deepEqual([down.status, down.body.status], [400, 'ERROR'], 'no Prometheus answers yet');

    // The provisioned datasource's host (http://wiki-prometheus:9090) on the same network.
    const dsHost = new URL(/url: (\S+)/.exec(find(objs, 'ConfigMap', 'wiki-grafana-provisioning').data['datasources.yaml'])![1]!).hostname;
    await startPrometheus(name('grafana-prometheus'), ['--network', network, '--network-alias', dsHost]);
    const up = await get('/api/datasources/uid/wiki-prometheus/health');
    assert.deepEqual([up.status, up.body.status], [200, 'OK'], JSON.stringify(up.body));

    // The chart's own helm test script (templates/tests/test-grafana.yaml), in a Node container on the network.
    const helmTest = (objs2: K8sObject[]) => {
      const pod = find(objs2, 'Pod', 'wiki-test-grafana').spec.containers[0];
      const env = Object.fromEntries((pod.env as Yaml[]).map((e) => [e.name, e.value]));
      // The Service's port 80 is the container's 3000: the same URL, without the Service in between.
      return docker(['run', '--rm', '--network', network, '--user', '1000', '--read-only', '-e', `BASE=${env.BASE.replace('://wiki-grafana/', '://wiki-grafana:3000/')}`, '-e', `ANONYMOUS_VIEWER=${env.ANONYMOUS_VIEWER}`,
        '--entrypoint', pod.command[0], v.TEST_NODE_IMAGE!, ...pod.command.slice(1), ...pod.args], { check: false });
    };
    const passed = helmTest(objs);
    assert.equal(passed.status, 0, passed.stderr);
    assert.match(passed.stdout, /ok: grafana healthy; dashboard Creation and datasource wiki-prometheus as an anonymous viewer/);

    // With anonymous access off (grafana.anonymousViewer=false): the API asks for credentials, health stays open.
    const closedObjs = render(['--set', 'grafana.anonymousViewer=false']);
    const closedDeploy = find(closedObjs, 'Deployment', 'wiki-grafana');
    const closedEnv = containerEnv(closedObjs, closedDeploy, 'grafana');
    docker(['rm', '-f', grafana]);
    start(closedObjs, closedDeploy, 'grafana', grafana, { claims: { storage }, extra: ['--network', network, '--network-alias', 'wiki-grafana'] });
    const closedBase = `http://${ip(grafana, network)}:3000`;
    await waitFor(async () => (await fetch(`${closedBase}/grafana/api/health`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, intervalMs: 200, what: 'grafana again' });
    const closedGet = async (path: string, auth?: string) => (await fetch(`${closedBase}/grafana${path}`, { headers: auth ? { authorization: auth } : {} })).status;
    assert.equal(await closedGet(`/api/dashboards/uid/${DASHBOARD.uid}`), 401);
    assert.equal(await closedGet('/api/datasources/uid/wiki-prometheus/health'), 401);
    const admin = `Basic ${Buffer.from(`${closedEnv.GF_SECURITY_ADMIN_USER}:${closedEnv.GF_SECURITY_ADMIN_PASSWORD}`).toString('base64')}`;
    assert.equal(await closedGet(`/api/dashboards/uid/${DASHBOARD.uid}`, admin), 200, 'the admin of the chart\'s Secret');
    assert.equal(await closedGet(`/api/dashboards/uid/${DASHBOARD.uid}`, `Basic ${Buffer.from('admin:wrong').toString('base64')}`), 401);
    const skipped = helmTest(closedObjs);
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stdout, /dashboard not checked: anonymous access is off/);
    t.diagnostic(`grafana stand-in: ${imageSize(v.GRAFANA_IMAGE!)}`);
  });

  it('pause: sleeps as the sandbox\'s PID 1, reaps the orphans it inherits, exits 0 on SIGTERM within 2 s', { timeout: 60_000 }, async (t) => {
    const pause = name('pause');
    docker(['run', '-d', '--name', pause, '--read-only', '--cap-drop', 'ALL', v.PAUSE_IMAGE!]);
    assert.equal(docker(['inspect', '-f', '{{.Config.User}} {{json .Config.Entrypoint}}', pause]).stdout, '65535:65535 ["/pause"]');
    // A second container in its PID namespace (as a pod's containers share the sandbox's) orphans a child.
    const helper = name('pause-helper');
    docker(['run', '-d', '--name', helper, '--pid', `container:${pause}`, '--entrypoint', 'sleep', v.PROMETHEUS_IMAGE!, '600']);
    docker(['exec', '-d', helper, 'sh', '-c', 'sleep 2 & exit 0']);
    const orphan = await waitFor(async () => docker(['exec', helper, 'sh', '-c', 'grep -l "^Name:.*sleep" /proc/[0-9]*/status | while read -r f; do grep -q "^PPid:[[:space:]]*1$" "$f" && echo "$f"; done'], { check: false }).stdout || undefined,
      { timeoutMs: 5000, intervalMs: 100, what: 'the orphan to be handed to PID 1' });
    assert.ok(orphan, 'the orphaned sleep now belongs to pause');
    await sleep(3000);
    const zombies = docker(['exec', helper, 'sh', '-c', 'grep -l "^State:[[:space:]]*Z" /proc/[0-9]*/status || true']).stdout;
    assert.equal(zombies, '', 'no zombie left');
    docker(['rm', '-f', helper]);
    const t0 = Date.now();
    docker(['kill', '-s', 'TERM', pause]);
    assert.equal(docker(['wait', pause], { timeoutMs: 2000 }).stdout, '0');
    assert.ok(Date.now() - t0 < 2000, `stopped in ${Date.now() - t0} ms`);
    t.diagnostic(`pause stand-in: ${imageSize(v.PAUSE_IMAGE!)}`);
  });

  it('all of them, and the API image when present, go into a registry and come back', { timeout: 600_000 }, async (t) => {
    if (!requireTool(t, 'registry')) return;
    const dir = mkdtempSync(join(tmpdir(), 'wiki-registry-'));
    const port = await freePort();
    const launch = registryLaunch(dir, `127.0.0.1:${port}`, join(dir, 'data'));
    const registry = spawn('registry', launch.args, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(launch.env) });
    let stderr = '';
    registry.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/v2/`).catch(() => undefined))?.status === 200, { timeoutMs: 20_000, intervalMs: 200, what: `the registry on ${base} (${stderr.slice(-500)})` });
      const t0 = Date.now();
      const pushed = await chartImages({ registry: `127.0.0.1:${port}`, log: (l) => t.diagnostic(l) });
      t.diagnostic(`pushed ${pushed.length} images in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      const paths = registryPaths();
      assert.deepEqual(pushed.filter((r) => r !== v.API_IMAGE), Object.keys(paths).filter((r) => r !== v.API_IMAGE));
      assert.deepEqual([registryPath(v.POSTGRES_IMAGE!), registryPath(v.PAUSE_IMAGE!), registryPath(v.API_IMAGE!)],
        ['library/postgres:18.6-trixie', 'pause:3.10.1', 'wiki-appliance/api:0.1.0']);
      for (const ref of pushed) {
        const [repo, tag] = registryPath(ref).split(':');
        const r = await fetch(`${base}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
        assert.equal(r.status, 200, `${ref} is in the registry as ${repo}:${tag}`);
      }
      // Pulled back by the name containerd's mirror asks for, it is the same image.
      const back = `127.0.0.1:${port}/${registryPath(v.PAUSE_IMAGE!)}`;
      docker(['rmi', back]);
      docker(['pull', '-q', back]);
      assert.equal(docker(['image', 'inspect', '-f', '{{.Id}}', back]).stdout, docker(['image', 'inspect', '-f', '{{.Id}}', v.PAUSE_IMAGE!]).stdout);
      // Again, with one more image (as the API image under its build tag would be): the rest is cached and unchanged.
      const extra = `${PREFIX}/extra:1`;
      docker(['tag', v.PAUSE_IMAGE!, extra]);
      const again = Date.now();
      const second = await chartImages({ registry: `127.0.0.1:${port}`, also: [extra] });
      t.diagnostic(`a second chartImages (all cached, pushes unchanged): ${((Date.now() - again) / 1000).toFixed(1)}s`);
      assert.deepEqual(second, [...pushed, extra]);
      assert.equal((await fetch(`${base}/v2/${PREFIX}/extra/manifests/1`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } })).status, 200);
      await assert.rejects(chartImages({ registry: `127.0.0.1:${port}`, also: [`${PREFIX}/absent:1`] }), /absent:1: not in the engine/);
      for (const ref of second) docker(['rmi', `127.0.0.1:${port}/${registryPath(ref)}`], { check: false });
      docker(['rmi', extra], { check: false });
    } finally {
      registry.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const imageSize = (ref: string) => `${(Number(docker(['image', 'inspect', '-f', '{{.Size}}', ref]).stdout) / 1e6).toFixed(1)} MB`;
