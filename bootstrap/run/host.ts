/**
 * Facts about the machine the appliance runs on, and the cgroup-v2 nesting step, written as
 * functions over a root directory (`/` in production) so tests run them against fake trees of
 * both cgroup versions.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

/** CAP_SYS_ADMIN in the effective set: what `--privileged` grants and mounts need. */
export function isPrivileged(root: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(read(root, 'proc/self/status'));
  return !!m && (BigInt(`0x${m[1]}`) & (1n << 21n)) !== 0n && existsSync(join(root, 'dev/kmsg'));
}

export const cgroupVersion = (root: string): 1 | 2 => (existsSync(join(root, 'sys/fs/cgroup/cgroup.controllers')) ? 2 : 1);

/** On cgroup v2 a private cgroup namespace shows our cgroup as `/`; the host's shows the full path. */
export function inHostCgroupNamespace(root: string): boolean {
  if (cgroupVersion(root) !== 2) return false;
  const line = read(root, 'proc/self/cgroup').split('\n').find((l) => l.startsWith('0::'));
  return !!line && line.slice(3).trim() !== '/';
}

/** Filesystem type of the mount that holds `path` (longest mount point prefix in mountinfo). */
export function mountFsType(root: string, path: string): string | undefined {
  let best: { point: string; type: string } | undefined;
  for (const line of read(root, 'proc/self/mountinfo').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const point = left.split(' ')[4]!.replace(/\\040/g, ' ');
    const type = right.split(' ')[0]!;
    const inside = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (!best || point.length >= best.point.length)) best = { point, type };
  }
  return best?.type;
}

/**
 * The kernel's br_netfilter is loaded: bridged pod traffic then passes iptables, where kube-proxy's
 * Service rules live (without it a pod's packets to a ClusterIP backed on the same node are lost).
 */
export const bridgeNetfilter = (root: string): boolean => existsSync(join(root, 'proc/sys/net/bridge/bridge-nf-call-iptables'));

export function memAvailableBytes(root: string): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(read(root, 'proc/meminfo'));
  return m ? Number(m[1]) * 1024 : 0;
}

export function diskFreeBytes(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}

/**
 * The iptables backend dockerd should use: legacy when the kernel already has legacy tables loaded
 * (the host uses them, and mixing both breaks forwarding), else nft. WIKI_IPTABLES overrides.
 */
export function chooseIptables(root: string, override?: 'legacy' | 'nft'): 'legacy' | 'nft' {
  if (override) return override;
  const legacy = join(root, 'proc/net/ip_tables_names');
  return existsSync(legacy) && readFileSync(legacy, 'utf8').trim() !== '' ? 'legacy' : 'nft';
}

/**
 * cgroup v2 nesting, as Docker's own dind script does: move every process out of the root cgroup
 * into /init (the kernel refuses subtree_control while the root has processes), then enable every
 * available controller for children. Without it nested k3s fails with
 * "failed to find cpuset cgroup (v2)". Caller must refuse this on the host's cgroup namespace.
 */
export function nestCgroupV2(root: string): { moved: number; controllers: string[] } {
  const cg = join(root, 'sys/fs/cgroup');
  if (!existsSync(join(cg, 'cgroup.controllers'))) return { moved: 0, controllers: [] };
  mkdirSync(join(cg, 'init'), { recursive: true });
  let moved = 0;
  for (const pid of readFileSync(join(cg, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      appendFileSync(join(cg, 'init/cgroup.procs'), `${pid}\n`);
      moved++;
    } catch {
      // A process that exited meanwhile, or a kernel thread: nothing to move.
    }
  }
  const controllers = readFileSync(join(cg, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean);
  if (controllers.length) writeFileSync(join(cg, 'cgroup.subtree_control'), controllers.map((c) => `+${c}`).join(' '));
  return { moved, controllers };
}
