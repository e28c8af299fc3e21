/**
 * The bootstrap as a process (`start-cluster.ts`) against faithful fakes of docker, dockerd, k3d,
 * kubectl and helm (test/fakes) and a fake service on the probe URL: first and warm boots, every
 * phase failing or timing out, SIGTERM in every phase, preflight refusals, --dry-run and --help.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { argvOf, boot, fakeHome, fakeService, world, type Boot, type ServiceMode } from '../test/support/appliance.ts';
import { readPins } from './pins.ts';

const LINE = /^\[\+\d+\.\d+s\] [a-z]+: .+$/;
const pins = readPins();
let svc: Awaited<ReturnType<typeof fakeService>>;
const service: ServiceMode = { mode: 'ok', password: 'admin', users: 0 };
before(async () => { svc = await fakeService(service); });
after(() => { svc.server.close(); });

const ready = (out: string) => out.includes('READY in');
const dockerdGone = (w: ReturnType<typeof world>) => !existsSync(join(w.root, 'var/run/docker.pid')) && !existsSync(join(w.state, 'dockerd.pid'));

describe('boots', () => {
  const w = world();
  const env = () => ({ ...w.env, WIKI_PROBE_URL: svc.url });

  it('first boot: every phase in order, READY banner, then SIGTERM stops node and dockerd and exits 0', async () => {
    service.mode = 'ok';
    const b = await boot(env(), { until: ready });
    assert.equal(b.code, 0, b.output);
    const calls = argvOf(b.calls);
    const order = ['update-alternatives --set iptables /usr/sbin/iptables-nft', 'dockerd --host=unix:///var/run/docker.sock', 'docker load --input',
      'k3d cluster list --output json', 'k3d cluster create --config', 'k3d kubeconfig get wiki', 'kubectl --kubeconfig', 'helm upgrade --install wiki', 'docker stop --time'];
    let at = -1;
    for (const step of order) {
      const i = calls.findIndex((c, j) => j > at && c.startsWith(step));
      assert.ok(i > at, `${step} after ${calls[at]}:\n${calls.join('\n')}`);
      at = i;
    }
    assert.equal(calls.filter((c) => c.startsWith('docker load')).length, 2, 'k3s and k3d-tools loaded into the inner engine');
    const helm = b.calls.find((c) => c.tool === 'helm' && c.args[0] === 'upgrade')!;
    assert.deepEqual(helm.args.slice(0, 4), ['upgrade', '--install', 'wiki', join(w.home, 'chart')]);
    for (const flag of ['--wait', '--create-namespace', '--values', '--timeout']) assert.ok(helm.args.includes(flag), flag);
    assert.equal(helm.env.KUBECONFIG, join(w.state, 'wiki/kubeconfig'));
    assert.equal(b.calls.find((c) => c.tool === 'k3d')!.env.DOCKER_HOST, 'unix:///var/run/docker.sock');
    const stopCall = b.calls.find((c) => c.tool === 'docker' && c.args[0] === 'stop')!;
    assert.ok(Number(stopCall.args[2]) <= 8, 'node stop fits the budget');
    assert.equal(stopCall.args[3], 'k3d-wiki-server-0');

    const lines = b.output.split('\n').filter((l) => l.startsWith('[+'));
    for (const l of lines) assert.match(l, LINE);
    for (const [phase, text] of [['preflight', 'privileged, cgroup v1'], ['dockerd', 'started (pid'], ['images', '2 loaded into dockerd, 0 already present'],
      ['cluster', 'created; node Ready'], ['release', 'release wiki deployed (revision 1)'], ['verify', '5 checks through'], ['stop', 'SIGTERM received'], ['stop', 'stopped cleanly']]) {
      assert.ok(lines.some((l) => l.includes(`] ${phase}: ${text}`)), `${phase}: ${text}\n${b.output}`);
    }
    assert.match(b.output, /READY in \d+\.\ds\n {3}API {8}http:\/\/localhost:8080\/users/);
    assert.match(b.output, /Grafana {4}http:\/\/localhost:8080\/grafana\/d\/creation-dashboard-678\/creation/);
    assert.match(b.output, /login {6}admin \/ admin/);
    assert.ok(dockerdGone(w), 'dockerd stopped');

    const k3d = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8'));
    assert.equal(k3d.image, pins.K3S_IMAGE);
    const values = join(w.state, 'wiki/values.yaml');
    assert.equal(statSync(values).mode & 0o777, 0o600, 'values (with the Grafana password) are private');
    assert.equal(parse(readFileSync(values, 'utf8')).fastapi.pullPolicy, 'Never');
    assert.equal(service.writes ?? 0, 0, 'verify wrote nothing to the service');
    // What `wiki status` reads: the boot reached READY, then stopped.
    assert.deepEqual(JSON.parse(readFileSync(join(w.state, 'wiki/boot-state.json'), 'utf8')).phase, 'stopped');
  });

  it('warm boot: starts the existing cluster, loads no image, upgrades the release in place', async () => {
    const b = await boot(env(), { until: ready });
    assert.equal(b.code, 0, b.output);
    // calls.jsonl holds both boots: this one starts at its own dockerd.
    const all = argvOf(b.calls);
    const second = all.slice(all.map((c) => c.startsWith('dockerd ')).lastIndexOf(true));
    assert.ok(second.some((c) => c.startsWith('k3d cluster start wiki --wait')), second.join('\n'));
    assert.ok(!second.some((c) => c.startsWith('k3d cluster create')));
    assert.ok(!second.some((c) => c.startsWith('docker load')), 'images already in the engine');
    assert.match(b.output, /images: 0 loaded into dockerd, 2 already present/);
    assert.match(b.output, /cluster: started \(warm boot\); node Ready/);
    assert.match(b.output, /release: release wiki deployed \(revision 2\)/);
  });
});

describe('failures name the phase, the reason and what to do, with diagnostics, exit 1', () => {
  const cases: [string, Record<string, string>, RegExp[], string?][] = [
    ['dockerd', { FAKE_FAIL: '["dockerd"]', WIKI_DOCKERD_TIMEOUT_S: '2' },
      [/dockerd: FAILED after 2\.\ds: timed out after 2s/, /what to do: raise WIKI_DOCKERD_TIMEOUT_S/, /failed to start daemon: error initializing graphdriver/]],
    ['images (missing file)', {}, [/images: FAILED after \d+\.\ds: bundled image missing from .*: k3s\/grafana\.tar/, /what to do: this image was built without its bundled images/], 'k3s/grafana.tar'],
    ['images (load error)', { FAKE_FAIL: '["docker load"]' }, [/images: FAILED after .*`docker load --input .*rancher-k3s\.tar` exited 1: Error response from daemon: failed to load image/]],
    ['cluster', { FAKE_FAIL: '["k3d cluster create"]' }, [/cluster: FAILED after .*k3d cluster create --config .* exited 1: FATA\[0012\] Failed Cluster Creation/, /---- diagnostics \(cluster\) ----/, /last lines of k3d-wiki-server-0/]],
    ['release', { FAKE_FAIL: '["helm upgrade"]' }, [/release: FAILED after .*UPGRADE FAILED: context deadline exceeded/, /pods:\n.*NAMESPACE/, /CrashLoopBackOff/, /events \(latest last\):/, /logs of wiki-api-7d9c8-abcde:/]],
    ['release (timeout)', { FAKE_HANG: '["helm upgrade"]', WIKI_RELEASE_TIMEOUT_S: '2' }, [/release: FAILED after 2\.\ds: timed out after 2s/, /what to do: raise WIKI_RELEASE_TIMEOUT_S/]],
  ];
  for (const [name, extra, expect, omit] of cases) {
    it(name, async () => {
      const w = world({}, fakeHome({ omit: omit ? [omit] : [] }));
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, ...extra });
      assert.equal(b.code, 1, b.output);
      for (const re of expect) assert.match(b.output, re);
      assert.match(b.output, /exit: failed in phase \w+; exit code 1/);
      assert.ok(!b.output.includes('READY in'));
      assert.ok(dockerdGone(w), 'teardown stopped dockerd after the failure');
    });
  }

  it('verify: the probe never passes → timed out with the last failure', async () => {
    service.mode = 'unavailable';
    try {
      const w = world();
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, WIKI_VERIFY_TIMEOUT_S: '3' });
      assert.equal(b.code, 1, b.output);
      assert.match(b.output, /verify: FAILED after 3\.\ds: timed out after 3s waiting for the end-to-end probe; last failure: GET \/healthz\/ready: status 503/);
      assert.match(b.output, /---- diagnostics \(verify\) ----/);
    } finally {
      service.mode = 'ok';
    }
  });
});

describe('SIGTERM in each phase stops cleanly (exit 0) within the budget', () => {
  const phases: [string, Record<string, string>, (out: string, calls: { tool: string; args: string[] }[]) => boolean][] = [
    ['dockerd', { FAKE_HANG: '["update-alternatives"]' }, (_o, c) => c.some((x) => x.tool === 'update-alternatives')],
    ['images', { FAKE_HANG: '["docker load"]' }, (_o, c) => c.some((x) => x.tool === 'docker' && x.args[0] === 'load')],
    ['cluster', { FAKE_HANG: '["k3d cluster create"]' }, (_o, c) => c.some((x) => x.tool === 'k3d' && x.args[1] === 'create')],
    ['release', { FAKE_HANG: '["helm upgrade"]' }, (_o, c) => c.some((x) => x.tool === 'helm')],
    ['verify', {}, (o) => o.includes('release: release wiki deployed')],
    ['serve', {}, ready],
  ];
  for (const [phase, extra, when] of phases) {
    it(phase, async () => {
      const w = world();
      if (phase === 'verify') service.mode = 'hang';
      try {
        const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, WIKI_VERIFY_TIMEOUT_S: '30', ...extra }, { until: when });
        assert.equal(b.code, 0, b.output);
        if (phase !== 'serve') assert.match(b.output, new RegExp(`${phase}: interrupted after \\d+\\.\\ds: stop requested`));
        assert.match(b.output, /stop: SIGTERM received: stopping within 8s/);
        assert.match(b.output, /stop: stopped cleanly/);
        assert.ok(dockerdGone(w), 'dockerd stopped');
        assert.ok(b.ms < 20_000, `${b.ms} ms`);
      } finally {
        service.mode = 'ok';
      }
    });
  }

  it('a second SIGTERM exits at once (130)', async () => {
    const w = world();
    const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, FAKE_HANG: '["docker stop"]' }, { until: ready, twice: true });
    assert.equal(b.code, 130, b.output);
    assert.match(b.output, /stop: second SIGTERM: exiting now/);
    // Exiting now means leaving the hung `docker stop` and dockerd behind: the harness kills them (and says so).
    assert.ok(b.leftovers.some((l) => /\/test\/fakes\/bin\/dockerd /.test(l)), b.leftovers.join('\n'));
  });
});

describe('preflight refuses a wrongly started container before touching anything', () => {
  for (const [label, shape, re, hint] of [
    ['not privileged', { privileged: false }, /preflight: FAILED .*not privileged/, /what to do: start it with --privileged/],
    ['host cgroup namespace on v2', { cgroup: 2, hostCgroupNs: true }, /preflight: FAILED .*host cgroup namespace \(--cgroupns=host\)/, /drop --cgroupns=host/],
    ['/var/lib/docker on overlayfs', { overlayDocker: true }, /preflight: FAILED .*\/var\/lib\/docker is on overlayfs/, /-v wiki-data:\/var\/lib\/docker/],
    ['too little memory', { memAvailableKb: 1_000_000 }, /preflight: FAILED .*only 1\.0 GiB of memory available/, /give Docker more memory/],
    ['no br_netfilter in the host kernel', { brNetfilter: false }, /preflight: FAILED .*no br_netfilter \(no \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables\)/, /sudo modprobe br_netfilter/],
  ] as const) {
    it(label, async () => {
      const w = world(shape);
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url });
      assert.equal(b.code, 1, b.output);
      assert.match(b.output, re);
      assert.match(b.output, hint);
      assert.deepEqual(b.calls, [], 'no tool was run');
      assert.ok(!existsSync(join(w.state, 'wiki/boot-state.json')), 'nothing written');
    });
  }

  it('cgroup v2 with a private namespace passes and nests: processes moved to /init, controllers enabled', async () => {
    const w = world({ cgroup: 2 });
    const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url }, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /dockerd: started .*cgroup v2 nested \(3 processes to \/init, 8 controllers\)/);
    assert.equal(readFileSync(join(w.root, 'sys/fs/cgroup/init/cgroup.procs'), 'utf8'), '1\n7\n42\n');
    const k3d = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8'));
    assert.ok(!JSON.stringify(k3d).includes('fail-cgroupv1'), 'the cgroup v1 override only on v1 hosts');
  });
});

describe('command line', () => {
  it('--dry-run prints the whole plan and runs nothing', async () => {
    const w = world();
    const b = await boot({ FAKE_STATE: w.state, WIKI_HOME: '/nonexistent', WIKI_STATE_DIR: join(w.state, 'never') }, { args: ['--dry-run'] });
    assert.equal(b.code, 0, b.output);
    assert.deepEqual(b.calls, [], 'no command executed');
    assert.ok(!existsSync(join(w.state, 'never')), 'no file written');
    for (const re of [/\$ dockerd --host=unix:\/\/\/var\/run\/docker\.sock/, /\|\s+- port: 8080:80/, /volume: \/nonexistent\/images\/k3s:\/var\/lib\/rancher\/k3s\/agent\/images/,
      new RegExp(`image: ${pins.K3S_IMAGE.replace(/[.+]/g, '\\$&')}`), /disableLoadbalancer: true/, /\$ helm upgrade --install wiki .* --wait/,
      new RegExp(`\\$ docker load --input /nonexistent/images/docker/rancher-k3s.tar`), /adminPassword: <GRAFANA_ADMIN_PASSWORD>/, /stop: dry run complete/]) {
      assert.match(b.output, re);
    }
    const plan = b.output.split('\n').filter((l) => l.trimStart().startsWith('$'));
    assert.ok(plan.length >= 10);
    for (const l of plan) assert.doesNotMatch(l, /\b(curl|wget|pull|repo add|https?:\/\/)/, `no network fetch in the plan: ${l}`);
    assert.doesNotMatch(b.output, /:latest\b/);
  });

  it('--help documents every environment variable; a bad value is one clear line, exit 2', async () => {
    const w = world();
    const help = await boot({ FAKE_STATE: w.state }, { args: ['--help'] });
    assert.equal(help.code, 0);
    for (const v of ['WIKI_HOST_PORT', 'GRAFANA_ADMIN_PASSWORD', 'WIKI_STOP_TIMEOUT_S', 'WIKI_RELEASE_TIMEOUT_S', '--dry-run', '--probe']) assert.match(help.output, new RegExp(v));
    const bad = await boot({ FAKE_STATE: w.state, WIKI_HOST_PORT: 'eighty' }, { args: ['--dry-run'] });
    assert.equal(bad.code, 2);
    assert.match(bad.output, /^start-cluster: invalid environment: WIKI_HOST_PORT: /);
  });

  it('--probe (the HEALTHCHECK) reads only, and fails when the service does', async () => {
    const w = world();
    const before = service.users;
    const ok = await boot({ FAKE_STATE: w.state, WIKI_PROBE_URL: svc.url }, { args: ['--probe'] });
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /healthy: GET \/healthz\/ready, GET \/metrics, GET \/grafana\/api\/health, dashboard creation-dashboard-678/);
    assert.equal(service.users, before, 'the health check creates nothing');
    service.mode = 'unavailable';
    try {
      const bad = await boot({ FAKE_STATE: w.state, WIKI_PROBE_URL: svc.url }, { args: ['--probe'] });
      assert.equal(bad.code, 1);
      assert.match(bad.output, /unhealthy: GET \/healthz\/ready: status 503/);
    } finally {
      service.mode = 'ok';
    }
  });

  it('GRAFANA_ADMIN_PASSWORD reaches the values file, never the log', async () => {
    const w = world();
    service.password = 'pa55-from-env';
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, GRAFANA_ADMIN_PASSWORD: 'pa55-from-env' }, { until: ready });
      assert.equal(b.code, 0, b.output);
      assert.doesNotMatch(b.output, /pa55-from-env/);
      assert.match(b.output, /login {6}admin \/ \(the GRAFANA_ADMIN_PASSWORD you set\)/);
      assert.equal(parse(readFileSync(join(w.state, 'wiki/values.yaml'), 'utf8')).grafana.adminPassword, 'pa55-from-env');
    } finally {
      service.password = 'admin';
    }
  });

  it('READY does not hang on the admin password: one changed in Grafana\'s UI (kept on its volume) still boots', async () => {
    const w = world();
    service.password = 'changed-in-the-ui';
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url }, { until: ready });
      assert.equal(b.code, 0, b.output);
      assert.match(b.output, /dashboard creation-dashboard-678/);
    } finally {
      service.password = 'admin';
    }
  });

  it('verify fails naming the dashboard when anonymous viewers cannot read it', async () => {
    const w = world();
    service.anonymousViewer = false;
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, WIKI_VERIFY_TIMEOUT_S: '3' });
      assert.equal(b.code, 1, b.output);
      assert.match(b.output, /last failure: dashboard creation-dashboard-678: status 401/);
    } finally {
      delete service.anonymousViewer;
    }
  });
});

/** Calls that would delete data or the cluster: none may happen on a recovery or an upgrade. */
const DESTRUCTIVE = /^(k3d cluster delete|k3d node delete|docker (rm|volume rm|system prune)|kubectl .*\bdelete\b)/;
const callsOfLastBoot = (b: Boot) => { const all = argvOf(b.calls); return all.slice(all.map((c) => c.startsWith('dockerd ')).lastIndexOf(true)); };
const helmHistory = (state: string) => JSON.parse(readFileSync(join(state, 'helm.json'), 'utf8')) as { revision: number; status: string; apiImage?: string }[];

describe('READY without touching the users\' data', () => {
  it('verify only reads (no POST reaches the service) and the first user created afterwards gets id 1', async () => {
    const fresh: ServiceMode = { mode: 'ok', password: 'admin', users: 0 };
    const own = await fakeService(fresh);
    try {
      const w = world();
      const b = await boot({ ...w.env, WIKI_PROBE_URL: own.url }, { until: ready });
      assert.equal(b.code, 0, b.output);
      assert.match(b.output, /verify: 5 checks through .*: GET \/healthz\/ready, GET \/metrics, GET \/grafana\/api\/health, dashboard creation-dashboard-678, GET \/users\?limit=1/);
      assert.equal(fresh.writes ?? 0, 0, 'no write during verify');
      const created = await fetch(`${own.url}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Alice"}' });
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as { id: number }).id, 1);
    } finally {
      own.server.close();
    }
  });
});

describe('node registration', () => {
  it('waits until the node is listed, then for Ready, inside the phase deadline; k3d\'s own timeout sits below it', async () => {
    const w = world();
    const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, FAKE_NODE_REGISTER_AFTER: '2', WIKI_CLUSTER_TIMEOUT_S: '300' }, { until: ready });
    assert.equal(b.code, 0, b.output);
    const calls = argvOf(b.calls).filter((c) => c.startsWith('kubectl'));
    const firstWait = calls.findIndex((c) => c.includes(' wait --for=condition=Ready node --all'));
    assert.ok(calls.slice(0, firstWait).filter((c) => c.includes(' get nodes --output name')).length >= 3, calls.join('\n'));
    assert.equal(calls.filter((c) => c.includes(' wait ')).length, 1, 'Ready is waited for once, after registration');
    assert.match(b.output, /cluster: created; node Ready \(registered after \d+\.\ds\)/);
    const k3d = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8'));
    assert.equal(k3d.options.k3d.timeout, '240s', 'k3d gives up before the 300 s phase does');
  });

  it('a node that never registers fails the phase with its diagnostics, not kubectl\'s "no matching resources"', async () => {
    const w = world();
    const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url, FAKE_NODE_REGISTER_AFTER: '1000', WIKI_CLUSTER_TIMEOUT_S: '3' });
    assert.equal(b.code, 1, b.output);
    assert.match(b.output, /cluster: FAILED after \d\.\ds: the node k3d-wiki-server-0 did not register within the 3s deadline/);
    assert.match(b.output, /cluster: what to do: read the node's last log lines below/);
    assert.match(b.output, /---- diagnostics \(cluster\) ----/);
    assert.ok(!argvOf(b.calls).some((c) => c.includes(' wait --for=condition=Ready')), 'no kubectl wait on a node that is not there');
  });
});

describe('a boot interrupted inside release, or inside its own recovery, recovers on the next start', () => {
  const statuses = (state: string) => (existsSync(join(state, 'helm.json')) ? helmHistory(state).map((h) => h.status) : []);
  // SIGTERM once helm has saved `status` (as Helm 4 does before it acts and waits).
  const saved = (state: string, status: string) => () => statuses(state).at(-1) === status;
  const KEPT = 'kept for the new install: PersistentVolumeClaim/data-wiki-postgresql-0, PersistentVolumeClaim/wiki-grafana, PersistentVolumeClaim/wiki-prometheus, Secret/wiki-postgresql';

  it('first install interrupted (pending-install) → uninstall, install, READY; nothing else deleted', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: svc.url };
    const killed = await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-install') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['pending-install'], 'what a real interrupted install leaves');
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.ok(b.output.includes(`release: found revision 1 pending-install (an interrupted first install): uninstalling it, then installing; ${KEPT}`), b.output);
    const last = callsOfLastBoot(b);
    assert.ok(last.some((c) => c.startsWith('helm history wiki --max 20 --output json')));
    assert.ok(last.some((c) => c.startsWith('helm uninstall wiki --wait')));
    assert.ok(last.findIndex((c) => c.startsWith('helm uninstall')) < last.findIndex((c) => c.startsWith('helm upgrade --install')));
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c)), []);
    assert.deepEqual(statuses(w.state), ['deployed']);
    assert.match(b.output, /READY in/);
  });

  it('the recovery\'s own uninstall interrupted (uninstalling, nothing deployed) → uninstall again, install, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: svc.url };
    await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-install') });
    const killed = await boot({ ...env, FAKE_HANG: '["helm uninstall"]' }, { until: saved(w.state, 'uninstalling') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['uninstalling'], 'Helm saves uninstalling before it deletes and purges after --wait');
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.ok(b.output.includes(`release: found revision 1 uninstalling (an interrupted uninstall): uninstalling it, then installing; ${KEPT}`), b.output);
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.deepEqual(statuses(w.state), ['deployed']);
  });

  it('upgrade interrupted (pending-upgrade) → rollback to the deployed revision, then upgrade, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: svc.url };
    assert.equal((await boot(env, { until: ready })).code, 0);
    const killed = await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-upgrade') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['deployed', 'pending-upgrade']);
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 2 pending-upgrade \(an interrupted upgrade\): rolling back to revision 1, then upgrading/);
    assert.ok(callsOfLastBoot(b).some((c) => c.startsWith('helm rollback wiki 1 --wait')));
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.match(b.output, /release: release wiki deployed \(revision 4\)/);
  });

  it('the recovery\'s own rollback interrupted (pending-rollback) → roll back again, upgrade, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: svc.url };
    assert.equal((await boot(env, { until: ready })).code, 0);
    await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-upgrade') });
    const killed = await boot({ ...env, FAKE_HANG: '["helm rollback"]' }, { until: saved(w.state, 'pending-rollback') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['deployed', 'pending-upgrade', 'pending-rollback']);
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 3 pending-rollback \(an interrupted rollback\): rolling back to revision 1, then upgrading/);
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.equal(statuses(w.state).at(-1), 'deployed');
    assert.match(b.output, /READY in/);
  });

  it('a deployed release is upgraded as it is: no history action', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: svc.url };
    await boot(env, { until: ready });
    const b = await boot(env, { until: ready });
    assert.doesNotMatch(b.output, /release: found/);
    assert.ok(!callsOfLastBoot(b).some((c) => /^helm (uninstall|rollback)/.test(c)));
  });
});

describe('upgrade in place: image N+1 on the state of image N', () => {
  const N = 'wiki-appliance/api:0.1.0-aaaaaaaaaaaa';
  const N1 = 'wiki-appliance/api:0.1.0-bbbbbbbbbbbb';

  it('the new API reference reaches helm, the new archive is in place, the cluster and data are kept', async () => {
    const w = world({}, fakeHome({ apiRef: N }));
    const first = await boot({ ...w.env, WIKI_PROBE_URL: svc.url }, { until: ready });
    assert.equal(first.code, 0, first.output);
    assert.equal(helmHistory(w.state).at(-1)!.apiImage, N);

    const next = fakeHome({ apiRef: N1 });
    // N+1 also brings a newer k3d (its tools image).
    writeFileSync(join(next, 'versions.env'), readFileSync(join(next, 'versions.env'), 'utf8').replace(/^K3D_TOOLS_IMAGE=.*$/m, 'K3D_TOOLS_IMAGE=ghcr.io/k3d-io/k3d-tools:5.9.1'));
    writeFileSync(join(next, 'images/docker/k3d-tools.tar'), 'ghcr.io/k3d-io/k3d-tools:5.9.1');
    const b = await boot({ ...w.env, WIKI_HOME: next, WIKI_PROBE_URL: svc.url }, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /images: upgrade: ghcr\.io\/k3d-io\/k3d-tools:5\.9\.1 loaded; k3d starts it for its next operation, the running cluster is unaffected/);
    assert.match(b.output, /images: 1 loaded into dockerd, 1 already present/);
    assert.match(b.output, new RegExp(`images: upgrade: API ${N} → ${N1}`));
    assert.equal(parse(readFileSync(join(w.state, 'wiki/values.yaml'), 'utf8')).fastapi.image_name, N1);
    assert.deepEqual(helmHistory(w.state).map((h) => [h.status, h.apiImage]), [['superseded', N], ['deployed', N1]], 'the Deployment rolls onto the new reference');
    assert.equal(readFileSync(join(next, 'images/k3s/wiki-api.tar'), 'utf8'), N1, 'the mounted archive is the new build');
    const last = callsOfLastBoot(b);
    assert.ok(!last.some((c) => c.startsWith('k3d cluster create')), 'the existing cluster (and its volumes) is kept');
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c) || /^helm (uninstall|rollback)/.test(c)), []);
  });

  it('a newer k3s than the existing node: stops with one clear line and the backup/restore way, changes nothing', async () => {
    const w = world();
    assert.equal((await boot({ ...w.env, WIKI_PROBE_URL: svc.url }, { until: ready })).code, 0);
    const next = fakeHome();
    const versions = readFileSync(join(next, 'versions.env'), 'utf8').replace(/^K3S_VERSION=.*$/m, 'K3S_VERSION=v1.35.6+k3s1').replace(/^K3S_IMAGE=.*$/m, 'K3S_IMAGE=docker.io/rancher/k3s:v1.35.6-k3s1');
    writeFileSync(join(next, 'versions.env'), versions);
    const b = await boot({ ...w.env, WIKI_HOME: next, WIKI_PROBE_URL: svc.url });
    assert.equal(b.code, 1, b.output);
    assert.match(b.output, new RegExp(`cluster: FAILED after \\d+\\.\\ds: the cluster on this volume runs ${pins.K3S_IMAGE.replace(/[.+]/g, '\\$&')}, this image bundles docker\\.io/rancher/k3s:v1\\.35\\.6-k3s1`));
    assert.match(b.output, /cluster: what to do: start the previous image on this volume and take a backup \(docker exec wiki wiki backup > wiki\.sql\)/);
    const last = callsOfLastBoot(b);
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c) || /^(k3d cluster (create|start)|helm )/.test(c)), []);
  });
});
