/**
 * The tests' real node (test/support/node.ts): kubelet and kube-proxy from the control plane's Kubernetes
 * release (scripts/tools/node), containerd 2.x with its runc shim and ctr, crictl, CoreDNS and the
 * distribution registry by `go install`, and Debian's runc, CNI plugins and conntrack. Static binaries
 * under $TOOLS/bin; the Debian packages need root (else CI=true fails here, and the node's tests say so).
 */
import { readFileSync } from 'node:fs';
import { $ } from 'zx';
import { withTicker } from '../lib/steps.ts';
import { kubeLdflags } from './control-plane.ts';
import { BIN, env, executable, goEnv, goRequire, goTool, has, isRoot, ROOT, SetupError, sha16, type Step } from './step.ts';

const MOD = `${ROOT}scripts/tools/node`;
const kubeOf = (file: string) => goRequire(readFileSync(file, 'utf8'), 'k8s.io/kubernetes');
const version = kubeOf(`${MOD}/go.mod`);
/** Debian's packages and a file each provides. */
const DEBIAN = { runc: '/usr/sbin/runc', 'containernetworking-plugins': '/usr/lib/cni/bridge', conntrack: '/usr/sbin/conntrack' };
const go = (what: string, pkgs: string[], tags = '') => withTicker(`building ${what}`, () =>
  $({ stdio: 'inherit', env: goEnv({ CGO_ENABLED: '0' }) })`go install -trimpath -ldflags=${'-s -w'} ${tags ? ['-tags', tags] : []} ${pkgs}`);

const tools = [
  goTool('kubelet', sha16(readFileSync(`${MOD}/go.mod`), readFileSync(`${MOD}/go.sum`)), async () => {
    console.log(`building kubelet and kube-proxy ${version} (cold: about 4 min; 2-3 min after the control plane's build)`);
    await withTicker('building', () => $({ stdio: 'inherit', cwd: MOD, env: { ...process.env, CGO_ENABLED: '0' } })`go build -trimpath -ldflags ${`-s -w${kubeLdflags(version)}`} -o ${BIN}/ k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy`);
  }),
  goTool('containerd', env('CONTAINERD_VERSION'), () => {
    const v = env('CONTAINERD_VERSION');
    console.log(`building containerd ${v}, its runc shim and ctr (cold: about 1-2 min)`);
    return go('containerd', ['containerd', 'containerd-shim-runc-v2', 'ctr'].map((c) => `github.com/containerd/containerd/v2/cmd/${c}@${v}`), 'no_btrfs');
  }),
  goTool('crictl', env('CRICTL_VERSION'), () => go('crictl', [`sigs.k8s.io/cri-tools/cmd/crictl@${env('CRICTL_VERSION')}`])),
  goTool('coredns', env('COREDNS_VERSION'), () => go('coredns', [`github.com/coredns/coredns@${env('COREDNS_VERSION')}`])),
  goTool('registry', env('DISTRIBUTION_VERSION'), () => go('the registry', [`github.com/distribution/distribution/v3/cmd/registry@${env('DISTRIBUTION_VERSION')}`])),
];

const missingDebian = () => Object.entries(DEBIAN).filter(([, f]) => !executable(f)).map(([p]) => p);

export default {
  name: 'node',
  async cached() {
    const plane = kubeOf(`${ROOT}scripts/tools/control-plane/go.mod`);
    if (version !== plane) throw new SetupError(`scripts/tools/node/go.mod builds Kubernetes ${version}, the control plane ${plane}: make them equal`);
    const lines = tools.map((t) => t.cached());
    return lines.every(Boolean) && !missingDebian().length ? lines.join('\n') : undefined;
  },
  async run() {
    const debian = missingDebian();
    if (debian.length) {
      if (!isRoot() || !(await has('apt-get'))) throw new SetupError(`${debian.join(', ')} missing: apt-get install ${debian.join(' ')} (as root)`);
      const apt = () => $({ stdio: 'inherit', nothrow: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -q --no-install-recommends ${debian}`;
      if (!(await apt()).ok && (!(await $({ stdio: 'inherit', nothrow: true })`apt-get update -q`).ok || !(await apt()).ok))
        throw new SetupError(`apt-get install ${debian.join(' ')} failed`);
    }
    for (const t of tools) {
      const line = t.cached();
      if (line) console.log(line); else await t.run();
    }
  },
  async after() {
    await $({ stdio: 'inherit' })`${BIN}/kubelet --version`;
    await $({ stdio: 'inherit' })`${BIN}/containerd --version`;
  },
} satisfies Step;
