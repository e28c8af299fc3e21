/**
 * One real Kubernetes node on this machine, joined to a control plane started with `advertise`
 * (test/support/control-plane.ts): containerd 2.x with its own root, state and socket (never the Docker
 * engine's) running pods through Debian's runc, the CNI bridge and host-local IPAM, a kubelet, kube-proxy
 * (iptables), CoreDNS serving cluster.local behind the kube-dns Service, and a distribution registry on
 * loopback that containerd uses as the mirror of docker.io, registry.k8s.io, quay.io and ghcr.io, so
 * images keep the names charts give them. scripts/setup/node.ts builds the binaries. `stop()` leaves no
 * process, mount, cgroup, bridge or iptables chain (scripts/leftovers.ts checks).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { issue, run, type ControlPlane, type Run } from './control-plane.ts';
import { daemons } from './daemons.ts';
import { cgroupMounts, iptables, mountPoints, NODE, nodeLeftovers, processesNaming, removeNodeCgroups, removeNodeChains } from './node-host.ts';
import { freePort } from './postgres.ts';
import { registryLaunch } from './registry.ts';
import { skipUnlessCi, which } from './tools.ts';

export { NODE, nodeLeftovers };
export const NODE_TOOLS = ['kubelet', 'kube-proxy', 'containerd', 'containerd-shim-runc-v2', 'crictl', 'coredns', 'registry'];
/** What Debian provides (scripts/setup/node.ts installs it). */
const RUNC = '/usr/sbin/runc';
const CNI_BIN = '/usr/lib/cni';
const POD_CIDR = '10.42.0.0/24';
const CLUSTER_CIDR = '10.42.0.0/16';
const DNS_IP = '10.43.0.10';
/** The registries containerd sends to the local one (the chart's images come from the first two). */
const MIRRORED = ['docker.io', 'registry.k8s.io', 'quay.io', 'ghcr.io'];

export type RealNode = {
  name: string;
  /** The local registry, `127.0.0.1:port`: push `<registry>/<path>` and containerd pulls it as `<mirrored host>/<path>`. */
  registry: string;
  /** Peak memory: of each node process (VmHWM), and of all pods together (the memory cgroup's high-water mark). */
  peakMemory(): { processes: Record<string, number>; pods: number };
  /** crictl on this node's containerd. */
  crictl(args: string[], opts?: { check?: boolean; timeoutMs?: number }): Promise<Run>;
  stop(): Promise<void>;
};

/** The IPv4 address this machine's default route leaves from: pods route to it through the bridge's gateway. */
export function hostAddress(): string {
  const r = spawnSync('ip', ['-4', 'route', 'get', '1.1.1.1'], { encoding: 'utf8' });
  const src = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
  if (!src) throw new Error(`no IPv4 source address for a default route (ip route get: ${r.stderr || r.stdout})`);
  return src;
}

/** Why a real node cannot start here (a tool, root, a kernel feature), or undefined. */
export function nodeMissing(): string | undefined {
  const tools = NODE_TOOLS.filter((t) => !which(t));
  if (tools.length) return `${tools.join(', ')} not on PATH (scripts/setup/node.ts builds them)`;
  if (process.getuid?.() !== 0) return 'a real node needs root (mounts, iptables, cgroups)';
  const debian = [[RUNC, 'runc'], [join(CNI_BIN, 'bridge'), 'containernetworking-plugins'], ['/usr/sbin/conntrack', 'conntrack']].filter(([f]) => !existsSync(f!));
  if (debian.length) return `${debian.map(([, p]) => p).join(', ')} missing (apt-get install; scripts/setup/node.ts does)`;
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) return 'br_netfilter is not loaded (modprobe br_netfilter): Services would not reach pods on the bridge';
  return undefined;
}

/** A describe's `skip`: the reason a real node cannot run; with CI=true that is a failure instead. */
export const nodeSkip = () => skipUnlessCi(nodeMissing());

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
/** Mount points under `dir`, deepest first. */
const mountsUnder = (dir: string) => mountPoints()
  .filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);

/** containerd's configuration (version 3, containerd 2.x): everything under `dir`, CRI pods through runc and the CNI bridge. */
function containerdConfig(dir: string, sandboxImage: string) {
  const q = JSON.stringify;
  return `version = 3
root = ${q(join(dir, 'containerd/root'))}
state = ${q(join(dir, 'containerd/state'))}
disabled_plugins = ["io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = ${q(join(dir, 'containerd.sock'))}
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = ${q(sandboxImage)}
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = ${q(join(dir, 'certs.d'))}
[plugins.'io.containerd.cri.v1.runtime']
  # this machine's root lacks CAP_SYS_RESOURCE: without it every sandbox fails to lower oom_score_adj
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  cdi_spec_dirs = []
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = ${q(RUNC)}
        Root = ${q(join(dir, 'runc'))}
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = [${q(CNI_BIN)}]
    conf_dir = ${q(join(dir, 'cni'))}
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;
}

/**
 * Starts the node and waits until it is Ready with DNS served; `registryDir` keeps the registry's blobs
 * (a cache across runs), `sandboxImage` is the pause image's reference (pushed before pods start).
 */
export async function startNode(cp: ControlPlane, { address, registryDir, sandboxImage }: { address: string; registryDir: string; sandboxImage: string }): Promise<RealNode> {
  const why = nodeMissing();
  if (why) throw new Error(why);
  const stale = nodeLeftovers();
  if (stale.length) throw new Error(`a real node ran here and left (another run, or one killed):\n  ${stale.join('\n  ')}`);
  const bin = Object.fromEntries(NODE_TOOLS.map((t) => [t, which(t)!]));
  const dir = mkdtempSync(`/tmp/${NODE.dirPrefix}`);
  const sock = join(dir, 'containerd.sock');
  const crictl = (args: string[], opts: { check?: boolean; timeoutMs?: number } = {}) =>
    run(bin.crictl!, ['--runtime-endpoint', `unix://${sock}`, '--image-endpoint', `unix://${sock}`, '--timeout', '60s', ...args], opts);
  let stopped = false;
  const procs = daemons(dir, () => { if (!stopped) cleanup(); });
  const daemon = (name: string, args: string[], env: Record<string, string | undefined> = {}) => procs.start(name, bin[name]!, args, env);

  /** After the daemons: containers left behind (by cgroup), sandboxes' mounts, the bridge, our chain, kube-proxy's chains, the cgroups, the directory. */
  const cleanup = () => {
    for (const m of mountsUnder(dir)) sh('umount', ['-l', m]);
    if (existsSync(`/sys/class/net/${NODE.bridge}`)) sh('ip', ['link', 'delete', NODE.bridge]);
    sh(bin['kube-proxy']!, ['--cleanup']);
    removeNodeChains();
    removeNodeCgroups();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The registry, and containerd's mirrors pointing at it.
    const regPort = await freePort();
    const registry = `127.0.0.1:${regPort}`;
    const launch = registryLaunch(dir, registry, registryDir);
    daemon('registry', launch.args, launch.env);
    await waitFor(async () => (await fetch(`http://${registry}/v2/`).catch(() => undefined))?.ok, { timeoutMs: 20_000, intervalMs: 100, signal: procs.died, what: `the registry on ${registry}` });
    for (const host of MIRRORED) {
      mkdirSync(join(dir, 'certs.d', host), { recursive: true });
      writeFileSync(join(dir, 'certs.d', host, 'hosts.toml'), `server = "https://${host === 'docker.io' ? 'registry-1.docker.io' : host}"\n\n[host."http://${registry}"]\n  capabilities = ["pull", "resolve"]\n`);
    }

    // The pods' network: a bridge with host-local addresses, and their forwarding past Docker's DROP policy.
    mkdirSync(join(dir, 'cni'), { recursive: true });
    writeFileSync(join(dir, 'cni', '10-wiki.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'wiki', plugins: [
      { type: 'bridge', bridge: NODE.bridge, isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: POD_CIDR }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(dir, 'ipam') } },
      { type: 'loopback' },
    ] }));
    iptables('-N', NODE.chain);
    iptables('-A', NODE.chain, '-s', CLUSTER_CIDR, '-j', 'ACCEPT');
    iptables('-A', NODE.chain, '-d', CLUSTER_CIDR, '-j', 'ACCEPT');
    const fwd = iptables('-I', 'FORWARD', '1', '-j', NODE.chain);
    if (fwd.status !== 0) throw new Error(`iptables -I FORWARD: ${fwd.stderr}`);

    writeFileSync(join(dir, 'containerd.toml'), containerdConfig(dir, sandboxImage));
    // The shim is found on PATH, next to containerd.
    daemon('containerd', ['--config', join(dir, 'containerd.toml'), '--log-level', 'warn'], { PATH: `${join(bin.containerd!, '..')}:${process.env.PATH}` });
    await waitFor(async () => (await crictl(['info'], { check: false, timeoutMs: 5_000 })).code === 0, { timeoutMs: 30_000, intervalMs: 200, signal: procs.died, what: 'containerd answering CRI' });

    // The kubelet's own cgroup root (it refuses one that does not exist): kubepods go under it, removed at stop.
    for (const c of cgroupMounts()) {
      const path = join(c, NODE.cgroup);
      mkdirSync(path, { recursive: true });
      // cgroup v1 cpuset: a new group has no CPUs or memory nodes until given its parent's
      for (const f of ['cpuset.cpus', 'cpuset.mems']) if (existsSync(join(c, f))) writeFileSync(join(path, f), readFileSync(join(c, f)));
    }
    const serving = issue(cp.dir, 'kubelet', `/CN=${NODE.name}`, 'serverAuth', [`IP:${address}`, `DNS:${NODE.name}`]);
    const [kubeletPort, proxyMetrics, proxyHealth, dnsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    writeFileSync(join(dir, 'kubelet.yaml'), stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration',
      // this machine kind is cgroup v1, which kubelet 1.35 refuses unless told
      failCgroupV1: false, cgroupDriver: 'cgroupfs', cgroupRoot: `/${NODE.cgroup}`,
      containerRuntimeEndpoint: `unix://${sock}`, address, port: kubeletPort, readOnlyPort: 0, healthzPort: 0,
      tlsCertFile: serving.crt, tlsPrivateKeyFile: serving.key,
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: cp.connection.caFile } },
      authorization: { mode: 'AlwaysAllow' },
      clusterDNS: [DNS_IP], clusterDomain: 'cluster.local', resolvConf: '/etc/resolv.conf',
      podLogsDir: join(dir, 'pod-logs'), failSwapOn: false, serializeImagePulls: false,
      // a busy CI disk must not evict the tests' pods
      evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      imageGCHighThresholdPercent: 100, imageGCLowThresholdPercent: 99,
      nodeStatusUpdateFrequency: '2s', syncFrequency: '5s',
    }));
    daemon('kubelet', ['--config', join(dir, 'kubelet.yaml'), '--kubeconfig', cp.kubeconfig, '--root-dir', join(dir, 'kubelet'),
      '--hostname-override', NODE.name, '--node-ip', address, '--v', '1']);

    writeFileSync(join(dir, 'kube-proxy.yaml'), stringify({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: cp.kubeconfig }, mode: 'iptables', clusterCIDR: CLUSTER_CIDR, hostnameOverride: NODE.name,
      metricsBindAddress: `127.0.0.1:${proxyMetrics}`, healthzBindAddress: `127.0.0.1:${proxyHealth}`,
      // leave the machine's conntrack table size alone
      conntrack: { maxPerCore: 0 },
    }));
    daemon('kube-proxy', ['--config', join(dir, 'kube-proxy.yaml')]);

    // Cluster DNS: CoreDNS on this machine, behind the kube-dns Service's address (kubelet's clusterDNS).
    writeFileSync(join(dir, 'Corefile'), `.:${dnsPort} {
  bind ${address}
  errors
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig ${cp.kubeconfig} test
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  forward . /etc/resolv.conf
  cache 30
}
`);
    daemon('coredns', ['-conf', join(dir, 'Corefile')]);
    await cp.kubectl(['apply', '-f', '-'], { input: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        spec: { clusterIP: DNS_IP, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: dnsPort }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: dnsPort }] } },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kube-dns-host', namespace: 'kube-system',
        labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'wiki-test-node' } },
        addressType: 'IPv4', endpoints: [{ addresses: [address], conditions: { ready: true } }],
        ports: [{ name: 'dns', port: dnsPort, protocol: 'UDP' }, { name: 'dns-tcp', port: dnsPort, protocol: 'TCP' }] },
    ].map((o) => stringify(o)).join('---\n') });

    await waitFor(async () => {
      const node = await cp.api('GET', `/api/v1/nodes/${NODE.name}`).catch(() => undefined);
      return node?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
    }, { timeoutMs: 60_000, intervalMs: 200, signal: procs.died, what: `node ${NODE.name} Ready` });

    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await procs.stop([['kubelet']]);
      // Sandboxes go through CNI DEL (addresses, masquerade chains) while containerd still runs.
      await crictl(['rmp', '--force', '--all'], { check: false, timeoutMs: 60_000 }).catch(() => undefined);
      await procs.stop([['kube-proxy', 'coredns'], ['containerd', 'registry']]);
      // A shim outlives containerd by design; with its containers gone it should have exited.
      for (const [pid] of processesNaming(sock)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      cleanup();
    };
    const peakMemory = () => {
      const pods = cgroupMounts().map((c) => join(c, NODE.cgroup, 'memory.max_usage_in_bytes')).find((f) => existsSync(f));
      return { processes: procs.peakRss(), pods: pods ? Number(readFileSync(pods, 'utf8')) : 0 };
    };
    return { name: NODE.name, registry, peakMemory, crictl, stop };
  } catch (err) {
    const logs = procs.logs();
    stopped = true;
    await procs.stop([['kubelet', 'kube-proxy', 'coredns'], ['containerd', 'registry']], 5_000);
    cleanup();
    throw new Error(`the real node did not start: ${(err as Error).message}\n${logs}`);
  }
}
