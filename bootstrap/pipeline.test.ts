/**
 * The bootstrap as a process (`start-cluster.ts`) against faithful fakes of docker, dockerd, k3d,
 * kubectl and helm (test/fakes) and a fake service on the probe URL: first and warm boots, every
 * phase failing or timing out, SIGTERM in every phase.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { argvOf, boot, callsOfLastBoot, dockerdGone, fakeHome, ready, useFakeService, world } from '../test/support/appliance.ts';
import { readPins } from './config/pins.ts';

const LINE = /^\[\+\d+\.\d+s\] [a-z]+: .+$/;
const pins = readPins();
const { state: service, url } = useFakeService({ before, after });

describe('boots', () => {
  it('first boot: every phase in order, READY banner, then SIGTERM stops node and dockerd and exits 0', async () => {
    const w = world();
    const b = await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready });
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
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url() };
    assert.equal((await boot(env, { until: ready })).code, 0);
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    const second = callsOfLastBoot(b);
    assert.ok(second.some((c) => c.startsWith('k3d cluster start wiki --wait')), second.join('\n'));
    assert.ok(!second.some((c) => c.startsWith('k3d cluster create')));
    assert.ok(!second.some((c) => c.startsWith('docker load')), 'images already in the engine');
    assert.match(b.output, /images: 0 loaded into dockerd, 2 already present/);
    assert.match(b.output, /cluster: started \(warm boot\); node Ready/);
    assert.match(b.output, /release: release wiki unchanged \(revision 1: the same chart and values\)/);
    assert.ok(!second.some((c) => c.startsWith('helm upgrade')), 'no new revision');
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
      const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), ...extra });
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
      const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), WIKI_VERIFY_TIMEOUT_S: '3' });
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
        const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), WIKI_VERIFY_TIMEOUT_S: '30', ...extra }, { until: when });
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
    const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), FAKE_HANG: '["docker stop"]' }, { until: ready, twice: true });
    assert.equal(b.code, 130, b.output);
    assert.match(b.output, /stop: second SIGTERM: exiting now/);
    // Exiting now means leaving the hung `docker stop` and dockerd behind: the harness kills them (and says so).
    assert.ok(b.leftovers.some((l) => /\/test\/fakes\/bin\/dockerd /.test(l)), b.leftovers.join('\n'));
  });
});
