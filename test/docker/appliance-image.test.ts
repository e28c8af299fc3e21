/**
 * Dockerfile.cluster built for real with its online-only stages swapped for local ones (no registry
 * here: the tools stage gets the real Helm and stubs, the images stage nothing), then booted
 * --privileged with a volume up to the boundary: preflight, the inner dockerd on overlay2, and the
 * bundled-image check stopping with its message. The API archive it bundles is loaded and run.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { postJson } from '../support/api.ts';
import { ROOT } from '../support/root.ts';
import { docker, LOCAL_BASES, requireDocker } from '../support/docker.ts';
import { untilOk } from '../support/http.ts';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { requireTool, which } from '../support/tools.ts';
import { readPins } from '../../bootstrap/config/pins.ts';
import { imageArch } from '../../bootstrap/config/arch.ts';
import { parseBootConfig } from '../../bootstrap/config/settings.ts';

const TAG = 'wiki:ci-local';
const names = ['wiki-ci-boot', 'wiki-ci-unpriv', 'wiki-ci-stop', 'wiki-ci-api'];
const volumes = ['wiki-ci-boot-data', 'wiki-ci-stop-data'];
const pins = readPins();
const arch = imageArch(process.arch);


describe('Dockerfile.cluster (local stages)', () => {
  let built = false;
  let pg: TestPostgres | undefined;
  const cleanup = () => {
    for (const n of names) docker(['rm', '-f', n], { check: false });
    for (const v of volumes) docker(['volume', 'rm', '-f', v], { check: false });
  };
  before(() => cleanup());
  after(async () => { cleanup(); await pg?.destroy(); });

  it('builds in one docker build, API image included', (t) => {
    if (!requireDocker(t) || !requireTool(t, 'helm')) return;
    // The local tools stage: the real Helm, and stubs that say why k3d and kubectl are absent.
    const local = join(ROOT, '.local');
    rmSync(local, { recursive: true, force: true });
    mkdirSync(join(local, 'tools'), { recursive: true });
    mkdirSync(join(local, 'images'), { recursive: true });
    copyFileSync(which('helm')!, join(local, 'tools/helm'));
    for (const tool of ['k3d', 'kubectl']) {
      writeFileSync(join(local, 'tools', tool), `#!/bin/sh\necho "${tool}: not bundled in a local test build (TOOLS_SOURCE=local)" >&2\nexit 1\n`);
      chmodSync(join(local, 'tools', tool), 0o755);
    }
    docker(['build', '-f', 'Dockerfile.cluster', ...LOCAL_BASES, '--build-arg', 'TOOLS_SOURCE=local', '--build-arg', 'IMAGES_SOURCE=local', '-t', TAG, '.']);
    built = true;
    t.diagnostic(`appliance image size (local mode, no bundled registry images): ${(Number(docker(['image', 'inspect', '-f', '{{.Size}}', TAG]).stdout) / 1e6).toFixed(0)} MB`);
    const cfg = JSON.parse(docker(['image', 'inspect', '-f', '{{json .Config}}', TAG]).stdout);
    assert.deepEqual(cfg.Entrypoint, ['tini', '--']);
    assert.deepEqual(cfg.Cmd, ['node', '/opt/wiki/dist/start-cluster.js']);
    assert.ok('/var/lib/docker' in cfg.Volumes);
    assert.equal(cfg.StopSignal, 'SIGTERM');
    assert.ok(cfg.Healthcheck.StartPeriod >= 300e9, 'the health check waits out a cold boot');
    assert.deepEqual(cfg.Healthcheck.Test, ['CMD', 'node', '/opt/wiki/dist/start-cluster.js', '--probe']);
    assert.ok(cfg.Env.includes(`KUBECONFIG=${join(parseBootConfig({}).stateDir, 'kubeconfig')}`), 'docker exec … kubectl finds the cluster');
    // The operator command on PATH is the entrypoint program, and says the name it was run by.
    const help = docker(['run', '--rm', '--entrypoint', 'wiki', TAG, '--help']).stdout;
    assert.match(help, /^commands:\n {2}status /m);
    assert.match(help, /^usage: wiki \[--dry-run\]/m);
    const versions = docker(['run', '--rm', '--entrypoint', 'sh', TAG, '-c', 'dockerd --version; docker --version; helm version --template "{{.Version}}"; echo; tini --version; node --version; iptables --version; ls /opt/wiki/images/k3s']).stdout;
    assert.match(versions, /Docker version/);
    // `go install` builds report major.minor only (no release ldflags): match what the local tools stage holds.
    assert.match(versions, new RegExp(`^${pins.HELM_VERSION.split('.').slice(0, 2).join('\\.')}`, 'm'));
    assert.match(versions, /tini version/);
    assert.match(versions, /wiki-api\.tar/);
    // The compiled bootstrap in the image plans against the image's own chart, bundle and pins.
    const plan = docker(['run', '--rm', TAG, 'node', '/opt/wiki/dist/start-cluster.js', '--dry-run']).stdout;
    assert.match(plan, /\$ helm upgrade --install wiki \/opt\/wiki\/chart /);
    assert.match(plan, /volume: \/opt\/wiki\/images\/k3s:\/var\/lib\/rancher\/k3s\/agent\/images/);
    assert.match(plan, new RegExp(`image: ${pins.K3S_IMAGE.replace(/[.+]/g, '\\$&')}`));
    assert.match(plan, /stop: dry run complete/);
    assert.match(plan, new RegExp(`bundle for linux/${arch}:\\n.*\\| /opt/wiki/images/docker/rancher-k3s\\.tar`));
    assert.match(plan, /fastapi:\n\s+\| {3}image_name: wiki-appliance\/api:0\.1\.0-[0-9a-f]{12}\n/, 'the plan deploys the build\'s own API reference');
  });

  it('boots --privileged up to the boundary: preflight passes, dockerd on overlay2, then the bundled-image check stops it (exit 1)', async (t) => {
    if (!requireDocker(t) || !built) return;
    const t0 = Date.now();
    const r = docker(['run', '--name', names[0]!, '--privileged', '-v', `${volumes[0]}:/var/lib/docker`, TAG], { check: false, timeoutMs: 120_000 });
    const logs = docker(['logs', names[0]!]).stdout;
    t.diagnostic(`boot to the boundary took ${Date.now() - t0} ms:\n${logs}`);
    assert.equal(r.status, 1, logs);
    assert.equal(docker(['inspect', '-f', '{{.State.ExitCode}}', names[0]!]).stdout, '1');
    assert.match(logs, /^\[\+\d+\.\ds\] preflight: privileged, cgroup v[12], \/var\/lib\/docker on (?!overlay)\w+, \d+ GiB free/m);
    assert.match(logs, /^\[\+\d+\.\ds\] dockerd: started \(pid \d+, storage overlay2, iptables (nft|legacy)/m);
    assert.match(logs, new RegExp(String.raw`^\[\+\d+\.\ds\] images: FAILED after \d+\.\ds: bundled images missing from \/opt\/wiki\/images: docker\/rancher-k3s\.tar, docker\/k3d-tools\.tar, k3s\/k3s-airgap-images-${arch}\.tar\.zst, k3s\/postgres\.tar, k3s\/prometheus\.tar, k3s\/grafana\.tar$`, 'm'));
    assert.doesNotMatch(logs, /wiki-api\.tar/, 'the API archive was built into the image');
    assert.match(logs, /images: what to do: .*docker build -f Dockerfile\.cluster/);
    assert.match(logs, /stop: dockerd stopped in \d+\.\ds/);
    assert.match(logs, /exit: failed in phase images; exit code 1/);
  });

  it('without --privileged: one actionable line, nothing started', (t) => {
    if (!requireDocker(t) || !built) return;
    const r = docker(['run', '--name', names[1]!, TAG], { check: false, timeoutMs: 60_000 });
    const logs = docker(['logs', names[1]!]).stdout;
    assert.equal(r.status, 1, logs);
    assert.match(logs, /preflight: FAILED after \d+\.\ds: not privileged/);
    assert.match(logs, /preflight: what to do: start it with --privileged: docker run --privileged -p 8080:8080 wiki/);
    assert.doesNotMatch(logs, /dockerd:/);
  });

  it('docker stop during the dockerd phase exits 0, well inside the stop budget', async (t) => {
    if (!requireDocker(t) || !built) return;
    // A quarter CPU stretches the inner engine's start so the signal lands while the phase runs.
    docker(['run', '-d', '--name', names[2]!, '--privileged', '--cpus', '0.25', '-v', `${volumes[1]}:/var/lib/docker`, TAG]);
    await waitFor(async () => docker(['logs', names[2]!]).stdout.includes('dockerd: starting'), { timeoutMs: 60_000, intervalMs: 100, what: 'the dockerd phase' });
    const t0 = Date.now();
    docker(['stop', '--time', '10', names[2]!]);
    const took = Date.now() - t0;
    const logs = docker(['logs', names[2]!]).stdout;
    t.diagnostic(`docker stop during dockerd took ${took} ms:\n${logs}`);
    assert.equal(docker(['inspect', '-f', '{{.State.ExitCode}}', names[2]!]).stdout, '0', logs);
    assert.match(logs, /stop: SIGTERM received: stopping within 8s/);
    assert.match(logs, /dockerd: interrupted after \d+\.\ds: stop requested/);
    assert.match(logs, /stop: stopped cleanly/);
    assert.ok(took < 8000, `stopped in ${took} ms (budget 8 s, docker's 10 s)`);
  });

  it('the bundled API archive loads into Docker and serves the API', async (t) => {
    if (!requireDocker(t) || !built) return;
    const dir = mkdtempSync(join(tmpdir(), 'wiki-archive-'));
    try {
      const id = docker(['create', TAG]).stdout;
      docker(['cp', `${id}:/opt/wiki/images/k3s/wiki-api.tar`, join(dir, 'wiki-api.tar')]);
      docker(['rm', id]);
      // The reference the appliance deploys: the pin's tag plus the build's identity, written beside the archive.
      const ref = docker(['run', '--rm', '--entrypoint', 'cat', TAG, '/opt/wiki/images/wiki-api.ref']).stdout.trim();
      assert.match(ref, new RegExp(`^${pins.API_IMAGE.replace(/[.]/g, '\\.')}-[0-9a-f]{12}$`));
      assert.equal(docker(['load', '--input', join(dir, 'wiki-api.tar')]).stdout, `Loaded image: ${ref}`);
      assert.equal(docker(['image', 'inspect', '-f', '{{.Architecture}}', ref]).stdout, arch);
      const cfg = JSON.parse(docker(['image', 'inspect', '-f', '{{json .Config}}', ref]).stdout);
      assert.equal(cfg.User, 'node');
      assert.deepEqual(cfg.Cmd, ['node', 'dist/api/server.js']);
      assert.ok(cfg.Env.includes('NODE_ENV=production'));
      pg = await startPostgres();
      const port = await freePort();
      docker(['run', '-d', '--name', names[3]!, '--network', 'host', '-e', `DATABASE_URL=${pg.url}`, '-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1', ref]);
      await untilOk(`http://127.0.0.1:${port}/healthz/ready`, { intervalMs: 200, what: 'the archived API to be ready', context: () => docker(['logs', names[3]!], { check: false }).stdout });
      const res = await postJson(`http://127.0.0.1:${port}/users`, { name: 'from the bundled archive' });
      assert.equal(res.status, 201);
      assert.equal(docker(['exec', names[3]!, 'id', '-un']).stdout, 'node');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
