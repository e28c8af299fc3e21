/**
 * A rebuilt image (N+1) booted on the state of image N: the API rolls, the cluster and data stay;
 * a newer k3s is refused with the backup/restore way.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { boot, callsOfLastBoot, DESTRUCTIVE, fakeHome, helmHistory, ready, useFakeService, world } from '../test/support/appliance.ts';
import { readPins } from './config/pins.ts';

const { url } = useFakeService({ before, after });

const pins = readPins();

describe('upgrade in place: image N+1 on the state of image N', () => {
  const N = 'wiki-appliance/api:0.1.0-aaaaaaaaaaaa';
  const N1 = 'wiki-appliance/api:0.1.0-bbbbbbbbbbbb';

  it('the new API reference reaches helm, the new archive is in place, the cluster and data are kept', async () => {
    const w = world({}, fakeHome({ apiRef: N }));
    const first = await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready });
    assert.equal(first.code, 0, first.output);
    assert.equal(helmHistory(w.state).at(-1)!.apiImage, N);

    // Image N+1 has its files at the same path (/opt/wiki in the image), and also brings a newer k3d (its tools image).
    cpSync(join(fakeHome({ apiRef: N1 }), 'images'), join(w.home, 'images'), { recursive: true, force: true });
    writeFileSync(join(w.home, 'versions.env'), readFileSync(join(w.home, 'versions.env'), 'utf8').replace(/^K3D_TOOLS_IMAGE=.*$/m, 'K3D_TOOLS_IMAGE=ghcr.io/k3d-io/k3d-tools:5.9.1'));
    writeFileSync(join(w.home, 'images/docker/k3d-tools.tar'), 'ghcr.io/k3d-io/k3d-tools:5.9.1');
    const b = await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /images: upgrade: ghcr\.io\/k3d-io\/k3d-tools:5\.9\.1 loaded; k3d starts it for its next operation, the running cluster is unaffected/);
    assert.match(b.output, /images: 1 loaded into dockerd, 1 already present/);
    assert.match(b.output, new RegExp(`images: upgrade: API ${N} → ${N1}`));
    assert.equal(parse(readFileSync(join(w.state, 'wiki/values.yaml'), 'utf8')).fastapi.image_name, N1);
    assert.deepEqual(helmHistory(w.state).map((h) => [h.status, h.apiImage]), [['superseded', N], ['deployed', N1]], 'the Deployment rolls onto the new reference');
    // k3s imports from the directory the node mounted at creation: the image's own, not a copy left by N.
    const volumes = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8')).volumes.map((v: { volume: string }) => v.volume);
    assert.ok(volumes.includes(`${join(w.home, 'images/k3s')}:/var/lib/rancher/k3s/agent/images`), volumes.join('\n'));
    const last = callsOfLastBoot(b);
    assert.ok(!last.some((c) => c.startsWith('k3d cluster create')), 'the existing cluster (and its volumes) is kept');
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c) || /^helm (uninstall|rollback)/.test(c)), []);
  });

  it('a newer k3s than the existing node: stops with one clear line and the backup/restore way, changes nothing', async () => {
    const w = world();
    assert.equal((await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready })).code, 0);
    const next = fakeHome();
    const versions = readFileSync(join(next, 'versions.env'), 'utf8').replace(/^K3S_VERSION=.*$/m, 'K3S_VERSION=v1.35.6+k3s1').replace(/^K3S_IMAGE=.*$/m, 'K3S_IMAGE=docker.io/rancher/k3s:v1.35.6-k3s1');
    writeFileSync(join(next, 'versions.env'), versions);
    const b = await boot({ ...w.env, WIKI_HOME: next, WIKI_PROBE_URL: url() });
    assert.equal(b.code, 1, b.output);
    assert.match(b.output, new RegExp(`cluster: FAILED after \\d+\\.\\ds: the cluster on this volume runs ${pins.K3S_IMAGE.replace(/[.+]/g, '\\$&')}, this image bundles docker\\.io/rancher/k3s:v1\\.35\\.6-k3s1`));
    assert.match(b.output, /cluster: what to do: start the previous image on this volume and take a backup \(docker exec wiki wiki backup > wiki\.sql\)/);
    const last = callsOfLastBoot(b);
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c) || /^(k3d cluster (create|start)|helm )/.test(c)), []);
  });
});
