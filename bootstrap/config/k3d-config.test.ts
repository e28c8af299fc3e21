/** The generated k3d config against k3d's own v1alpha5 JSON schema, from the pinned k3d Go module. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseBootConfig } from './settings.ts';
import { k3dConfig, NODE_IMAGES_DIR } from './k3d-config.ts';
import { readPins } from './pins.ts';
import { requireTool, skipTest } from '../../test/support/tools.ts';

const pins = readPins();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

/** scripts/test runs `go mod download github.com/k3d-io/k3d/v5@$K3D_VERSION`; the schema ships in it. */
function schemaPath(): string | undefined {
  const r = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const p = join(r.stdout.trim(), `github.com/k3d-io/k3d/v5@${pins.K3D_VERSION}`, 'pkg/config/v1alpha5/schema.json');
  return existsSync(p) ? p : undefined;
}

it(`the k3d config validates against k3d ${pins.K3D_VERSION}'s v1alpha5 schema, on cgroup v1 and v2`, (t) => {
  if (!requireTool(t, 'go')) return;
  const path = schemaPath();
  if (!path) { skipTest(t, `k3d ${pins.K3D_VERSION} module not in the Go module cache (npm test downloads it)`); return; }
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
  const cfg = parseBootConfig({});
  for (const cgroup of [1, 2] as const) {
    const c = k3dConfig(cfg, pins, { cgroup, imagesDir: '/opt/wiki/images/k3s' });
    assert.ok(validate(c), JSON.stringify(validate.errors));
    assert.equal(c.image, pins.K3S_IMAGE);
    assert.deepEqual(c.ports, [{ port: '8080:80', nodeFilters: ['server:0'] }]);
    assert.equal(c.options.k3d.disableLoadbalancer, true);
    assert.equal(c.kubeAPI.hostIP, '127.0.0.1');
    assert.match(c.subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/);
    assert.equal(c.volumes[0]!.volume, `/opt/wiki/images/k3s:${NODE_IMAGES_DIR}`);
    const args = c.options.k3s.extraArgs.map((a) => a.arg);
    assert.ok(args.includes('--disable=metrics-server') && args.includes('--disable-default-registry-endpoint'));
    assert.equal(args.includes('--kubelet-arg=fail-cgroupv1=false'), cgroup === 1);
    assert.match(c.registries.config, /"\*":/);
  }
  // And the schema does reject what k3d would: a misspelt key.
  assert.equal(validate({ ...k3dConfig(cfg, pins, { cgroup: 2, imagesDir: '/x' }), serverz: 1 }), false);
});
