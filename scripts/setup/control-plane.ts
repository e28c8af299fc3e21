/**
 * The tests' Kubernetes control plane (test/support/control-plane.ts): kube-apiserver,
 * kube-controller-manager, kube-scheduler, kubectl and etcd built from the Go module proxy in one module
 * graph (scripts/tools/control-plane), and kwok for the nodes. Static binaries under $TOOLS/bin.
 */
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { $, within } from 'zx';
import { withTicker } from '../lib/steps.ts';
import { BIN, env, goEnv, goRequire, goTool, ROOT, SetupError, sha16, type Step, TOOLS } from './step.ts';

const MODULE = 'scripts/tools/control-plane';
const MOD = `${ROOT}${MODULE}`;
const gomod = readFileSync(`${MOD}/go.mod`, 'utf8');
const required = (module: string) => goRequire(gomod, module);
const version = required('k8s.io/kubernetes');
const etcd = required('go.etcd.io/etcd/server/v3');
const K3S = env('K3S_VERSION');
const KWOK = env('KWOK_VERSION');
const k3sKube = K3S.split('+')[0]!;
const minorOf = (v: string) => v.replace(/\.[^.]*$/, '');

/** The version stamps of a Kubernetes build: without them a server reports v0.0.0, which the chart's kubeVersion refuses. */
export function kubeLdflags(version: string) {
  const minor = version.replace(/^v1\./, '').split('.')[0]!;
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .map((x) => ` -X ${x}.gitVersion=${version} -X ${x}.gitMajor=1 -X ${x}.gitMinor=${minor} -X ${x}.gitTreeState=clean`).join('');
}

async function buildControlPlane() {
  console.log(`building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl ${version} and etcd ${etcd}`,
    '(cold: about 15-25 min on 2 cores and 6 GB of Go caches; cached afterwards)');
  const cmds = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'].map((c) => `k8s.io/kubernetes/cmd/${c}`);
  await within(async () => {
    $.cwd = MOD;
    $.env = { ...process.env, CGO_ENABLED: '0' };
    await withTicker('building', () => $({ stdio: 'inherit' })`go build -trimpath -ldflags ${`-s -w${kubeLdflags(version)}`} -o ${BIN}/ ${cmds}`);
    await withTicker('building', () => $({ stdio: 'inherit' })`go build -trimpath -ldflags ${'-s -w'} -o ${BIN}/etcd go.etcd.io/etcd/server/v3`);
  });
}

async function buildKwok() {
  console.log(`building kwok ${KWOK} (cold: about 3-5 min)`);
  await withTicker('building', () => $({ stdio: 'inherit', env: goEnv({ CGO_ENABLED: '0' }) })`go install -trimpath -ldflags=${'-s -w'} sigs.k8s.io/kwok/cmd/kwok@${KWOK}`);
  // The stages kwokctl would load (the kwok binary has none by default): nodes Ready, pods Ready, Job pods
  // done; and the CRDs of logs and exec, which kwok watches but does not install.
  const src = `${(await $`go env GOMODCACHE`).stdout.trim()}/sigs.k8s.io/kwok@${KWOK}/kustomize`;
  const share = `${TOOLS}/share/kwok-${KWOK}`;
  mkdirSync(`${share}/stages`, { recursive: true });
  mkdirSync(`${share}/crds`, { recursive: true });
  for (const s of ['node/fast/node-initialize', 'pod/fast/pod-ready', 'pod/fast/pod-complete', 'pod/fast/pod-delete'])
    cpSync(`${src}/stage/${s}.yaml`, `${share}/stages/${s.split('/').pop()}.yaml`);
  for (const c of ['clusterlogs', 'logs', 'clusterexecs', 'execs'])
    cpSync(`${src}/crd/bases/kwok.x-k8s.io_${c}.yaml`, `${share}/crds/kwok.x-k8s.io_${c}.yaml`);
}

const tools = [
  goTool('kube-apiserver', sha16(readFileSync(`${MOD}/go.mod`), readFileSync(`${MOD}/go.sum`)), buildControlPlane),
  goTool('kwok', KWOK, buildKwok),
];

export default {
  name: 'control-plane',
  async cached() {
    if (minorOf(version) !== minorOf(k3sKube))
      throw new SetupError(`${MODULE}/go.mod builds Kubernetes ${version}, but k3s ${K3S} is ${minorOf(k3sKube)}: update it`);
    if (etcd !== env('ETCD_VERSION')) throw new SetupError(`${MODULE}/go.mod builds etcd ${etcd}, versions.env pins ${env('ETCD_VERSION')}`);
    if (version !== k3sKube) console.log(`Kubernetes ${version}: k3s bundles ${k3sKube}, whose k8s.io/kubernetes module the Go proxy lacks; the nearest patch`);
    const lines = tools.map((t) => t.cached());
    return lines.every(Boolean) ? lines.join('\n') : undefined;
  },
  async run() {
    for (const t of tools) {
      const line = t.cached();
      if (line) console.log(line); else await t.run();
    }
  },
  async after() { await $({ stdio: 'inherit' })`${BIN}/kube-apiserver --version`; },
} satisfies Step;
