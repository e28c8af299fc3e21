/** One place for versions: versions.env, and everything that must repeat it (Dockerfile ARGs, chart defaults, bundle). */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { readArchitectures } from '../bootstrap/config/arch.ts';
import { bundledImages } from '../bootstrap/config/bundle.ts';
import { imageParts } from '../bootstrap/config/values.ts';
import { parseEnvFile, readPins } from '../bootstrap/config/pins.ts';
import { ROOT } from './support/root.ts';

const pins = readPins();
const file = (p: string) => readFileSync(`${ROOT}${p}`, 'utf8');
const argDefaults = (dockerfile: string) => Object.fromEntries([...file(dockerfile).matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));

it('every Dockerfile ARG default equals versions.env', () => {
  const env = parseEnvFile(file('versions.env'));
  for (const df of ['Dockerfile.api', 'Dockerfile.cluster']) {
    const args = argDefaults(df);
    for (const [k, v] of Object.entries(args)) {
      if (k.endsWith('_SOURCE')) continue;
      assert.equal(v, env[k], `${df}: ARG ${k}=${v} but versions.env has ${env[k]}`);
    }
  }
  assert.equal(Object.keys(argDefaults('Dockerfile.cluster')).filter((k) => !k.endsWith('_SOURCE')).length, 13, 'the cluster build pins every version');
});

it('each stand-in image says what it stands in for, with the pins as its ARG defaults', () => {
  const env = parseEnvFile(file('versions.env'));
  const dirs = readdirSync(`${ROOT}test/images`, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.deepEqual(dirs.sort(), ['grafana', 'pause', 'postgres', 'prometheus']);
  for (const [dir, key] of [['postgres', 'POSTGRES_IMAGE'], ['prometheus', 'PROMETHEUS_IMAGE'], ['grafana', 'GRAFANA_IMAGE'], ['pause', 'PAUSE_IMAGE']] as const) {
    const df = `test/images/${dir}/Dockerfile`;
    assert.ok(file(df).startsWith(`# STAND-IN for ${env[key]} (${key};`), `${df} names ${env[key]} on its first line`);
    for (const [k, v] of Object.entries(argDefaults(df))) assert.equal(v, env[k], `${df}: ARG ${k}=${v} but versions.env has ${env[k]}`);
  }
  assert.match(env.PAUSE_IMAGE!, /^registry\.k8s\.io\/pause:\d+\.\d+(\.\d+)?$/);
});

it('chart defaults are the pinned images; no image anywhere is :latest', () => {
  const values = parse(file('chart/values.yaml'));
  for (const [key, ref] of [['postgresql', pins.POSTGRES_IMAGE], ['prometheus', pins.PROMETHEUS_IMAGE], ['grafana', pins.GRAFANA_IMAGE]] as const) {
    const { registry, repository, tag } = imageParts(ref);
    assert.deepEqual([values[key].image.registry, values[key].image.repository, values[key].image.tag], [registry, repository, tag], key);
  }
  assert.equal(`${values.fastapi.image_name}:${values.fastapi.image_tag}`, pins.API_IMAGE);
  for (const p of ['versions.env', 'Dockerfile.api', 'Dockerfile.cluster', 'chart/values.yaml']) assert.doesNotMatch(file(p), /:latest\b/, p);
  assert.equal(pins.K3S_IMAGE.split(':')[1], pins.K3S_VERSION.replace('+', '-'), 'the k3s image is the k3s version');
  assert.equal(pins.KUBECTL_VERSION.split('.').slice(0, 2).join('.'), pins.K3S_VERSION.split('.').slice(0, 2).join('.'), 'kubectl matches the k3s minor');
  assert.equal(pins.K3D_TOOLS_IMAGE.split(':')[1], pins.K3D_VERSION.slice(1), 'k3d-tools matches k3d');
});

it('Dockerfile.cluster writes exactly the bundle the bootstrap expects, for every architecture', () => {
  const df = file('Dockerfile.cluster');
  for (const arch of Object.keys(readArchitectures())) {
    for (const img of bundledImages(pins, arch)) assert.ok(df.includes(img.file.replace(arch, '${arch}')), `${img.file} produced by Dockerfile.cluster`);
  }
});

it('Dockerfile.cluster repeats Dockerfile.api verbatim, and packs the API archive with its runtime settings', () => {
  const api = file('Dockerfile.api');
  const block = api.slice(api.indexOf('# ---- dependencies'), api.indexOf('# (END api-runtime)'));
  assert.ok(block.length > 500);
  assert.ok(file('Dockerfile.cluster').includes(block), 'the api stages are identical in both files');
  const runtime = api.slice(api.indexOf('AS api-runtime'));
  const pack = file('Dockerfile.cluster').slice(file('Dockerfile.cluster').indexOf('image-archive.mjs --rootfs'));
  const env = /^ENV (.+)$/m.exec(runtime)![1]!.split(' ');
  assert.ok(env.includes('NODE_OPTIONS=${API_NODE_OPTIONS}'), 'the V8 flags come from versions.env (API_NODE_OPTIONS), not a literal');
  for (const kv of env) assert.ok(pack.includes(`--env ${kv}`), `archive env ${kv}`);
  assert.ok(pack.includes(`--user ${/^USER (\S+)$/m.exec(runtime)![1]}`));
  assert.ok(pack.includes(`--workdir ${/^WORKDIR (\S+)$/m.exec(runtime)![1]}`));
  assert.ok(pack.includes(`--expose ${/^EXPOSE (\S+)$/m.exec(runtime)![1]}`));
  assert.ok(pack.includes(`--cmd '${JSON.stringify(JSON.parse(/^CMD (\[.+\])$/m.exec(runtime)![1]!))}'`));
});

it('versions.env parsing refuses an untagged or latest image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wiki-pins-'));
  try {
    for (const bad of ['docker.io/grafana/grafana', 'docker.io/grafana/grafana:latest']) {
      writeFileSync(join(dir, 'versions.env'), file('versions.env').replace(/^GRAFANA_IMAGE=.*$/m, `GRAFANA_IMAGE=${bad}`));
      assert.throws(() => readPins(join(dir, 'versions.env')), /explicit tag, never latest/, bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("the tests' control plane builds k3s's Kubernetes minor (its patch, or the nearest below) and the pinned etcd", () => {
  const gomod = file('scripts/tools/control-plane/go.mod');
  const env = parseEnvFile(file('versions.env'));
  const kube = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)$/m.exec(gomod)![1]!;
  const [, kMinor, kPatch] = kube.slice(1).split('.').map(Number);
  const [, sMinor, sPatch] = pins.K3S_VERSION.slice(1).split('+')[0]!.split('.').map(Number);
  assert.equal(kMinor, sMinor, `go.mod builds ${kube}, k3s is ${pins.K3S_VERSION}`);
  assert.ok(kPatch! <= sPatch!, `go.mod builds ${kube}, newer than k3s ${pins.K3S_VERSION}`);
  const staging = [...gomod.matchAll(/^\s*(k8s\.io\/\S+) => (k8s\.io\/\S+) (v\S+)$/gm)];
  assert.ok(staging.length >= 30, 'every staging module is replaced');
  for (const [, from, to, v] of staging) assert.deepEqual([to, v], [from, `v0.${kMinor}.${kPatch}`], `${from} is the published module of the same release`);
  assert.equal(/^\s*go\.etcd\.io\/etcd\/server\/v3 (v\S+)$/m.exec(gomod)![1], env.ETCD_VERSION);
  assert.match(env.KWOK_VERSION!, /^v\d+\.\d+\.\d+$/);
});
