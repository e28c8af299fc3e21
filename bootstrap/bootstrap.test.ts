/**
 * The bootstrap as a process (`start-cluster.ts`) against faithful fakes of docker, dockerd, k3d,
 * kubectl and helm (test/fakes) and a fake service on the probe URL: first and warm boots, every
 * phase failing or timing out, SIGTERM in every phase, preflight refusals, --dry-run and --help.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { argvOf, boot, fakeHome, fakeService, world, type ServiceMode } from '../test/support/appliance.ts';
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
    const helm = b.calls.find((c) => c.tool === 'helm')!;
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
    assert.ok(service.users >= 1, 'the probe wrote a user');
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
      assert.match(b.output, /verify: FAILED after 3\.\ds: timed out after 3s waiting for the end-to-end probe; last failure: POST \/users: status 503/);
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
  ] as const) {
    it(label, async () => {
      const w = world(shape);
      const b = await boot({ ...w.env, WIKI_PROBE_URL: svc.url });
      assert.equal(b.code, 1, b.output);
      assert.match(b.output, re);
      assert.match(b.output, hint);
      assert.deepEqual(b.calls, [], 'no tool was run');
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

  it('GRAFANA_ADMIN_PASSWORD reaches the values file and the probe, never the log', async () => {
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
});
