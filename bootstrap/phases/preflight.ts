import { join } from 'node:path';
import { PhaseError } from '../run/errors.ts';
import { bridgeNetfilter, cgroupVersion, diskFreeBytes, inHostCgroupNamespace, isPrivileged, memAvailableBytes, mountFsType } from '../run/host.ts';
import type { Phase } from '../context.ts';

const GiB = 2 ** 30;

/** One actionable line per way the container was started wrong, before anything is touched. */
export const preflight: Phase = {
  name: 'preflight',
  timeout: 'preflight',
  async run(ctx) {
    const { root, dockerDataRoot, minDiskGb, minMemoryGb } = ctx.cfg;
    ctx.state.cgroup = cgroupVersion(root);
    if (ctx.cfg.dryRun) return `dry run: host checks skipped (cgroup v${ctx.state.cgroup} seen)`;
    if (!isPrivileged(root)) {
      throw new PhaseError('not privileged: the appliance runs its own container engine and needs mounts and /dev/kmsg',
        'start it with --privileged: docker run --privileged -p 8080:8080 wiki');
    }
    if (inHostCgroupNamespace(root)) {
      throw new PhaseError('running in the host cgroup namespace (--cgroupns=host): nesting cgroups here would rearrange the host\'s',
        'drop --cgroupns=host (a private cgroup namespace is Docker\'s default on cgroup v2)');
    }
    const fsType = mountFsType(root, dockerDataRoot);
    if (fsType === 'overlay') {
      throw new PhaseError(`${dockerDataRoot} is on overlayfs, where the inner Docker engine cannot store images`,
        `keep the image's volume or name one: docker run --privileged -v wiki-data:${dockerDataRoot} -p 8080:8080 wiki`);
    }
    const disk = diskFreeBytes(join(root, dockerDataRoot)) / GiB;
    if (disk < minDiskGb) {
      throw new PhaseError(`only ${disk.toFixed(1)} GiB free under ${dockerDataRoot}; the cluster needs ${minDiskGb} GiB`,
        'free space in Docker\'s storage (docker system prune) or use a volume on a larger disk');
    }
    const memory = memAvailableBytes(root) / GiB;
    if (memory < minMemoryGb) {
      throw new PhaseError(`only ${memory.toFixed(1)} GiB of memory available; the stack needs ${minMemoryGb} GiB`,
        'give Docker more memory (Docker Desktop: Settings > Resources) or stop other containers');
    }
    if (!bridgeNetfilter(root)) {
      throw new PhaseError('the host kernel has no br_netfilter (no /proc/sys/net/bridge/bridge-nf-call-iptables): pods could not reach Services on their own node',
        'on the host: sudo modprobe br_netfilter (to keep it: echo br_netfilter | sudo tee /etc/modules-load.d/br_netfilter.conf)');
    }
    return `privileged, cgroup v${ctx.state.cgroup}, ${dockerDataRoot} on ${fsType ?? 'unknown fs'}, ${disk.toFixed(0)} GiB free, ${memory.toFixed(1)} GiB memory available`;
  },
};
