import type { Pins } from './pins.ts';
import type { BootConfig } from './settings.ts';

export const NODE_IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';
/** Fixed, so the node keeps its IP across restarts (a changed node IP crash-loops recent k3s). */
export const CLUSTER_SUBNET = '172.28.0.0/16';

/** k3d's own wait sits below the cluster phase's deadline, so the phase's diagnostics are what the user reads. */
export const k3dTimeoutS = (cfg: BootConfig) => Math.max(1, Math.floor(cfg.timeouts.cluster * 0.8));

/**
 * The k3d Simple config (k3d.io/v1alpha5): one server, no load balancer, node port 80 published on
 * 8080, the API server on 127.0.0.1 only, bundled images mounted for import, and a registry setup
 * under which nothing can be pulled from the internet.
 */
export function k3dConfig(cfg: BootConfig, pins: Pins, { cgroup, imagesDir }: { cgroup: 1 | 2; imagesDir: string }) {
  const server = ['server:*'];
  return {
    apiVersion: 'k3d.io/v1alpha5',
    kind: 'Simple',
    metadata: { name: cfg.clusterName },
    servers: 1,
    agents: 0,
    image: pins.K3S_IMAGE, // always explicit: without it k3d looks its default up online
    subnet: CLUSTER_SUBNET,
    kubeAPI: { host: '127.0.0.1', hostIP: '127.0.0.1', hostPort: '6443' },
    ports: [{ port: '8080:80', nodeFilters: ['server:0'] }],
    volumes: [{ volume: `${imagesDir}:${NODE_IMAGES_DIR}`, nodeFilters: server }],
    env: [{ envVar: 'GOMEMLIMIT=1536MiB', nodeFilters: server }],
    registries: {
      // Every registry is mirrored to an endpoint that refuses at once, and the default endpoint is
      // disabled: an image missing from the bundle fails loudly instead of being fetched.
      config: 'mirrors:\n  "*":\n    endpoint:\n      - "http://127.0.0.1:1"\n',
    },
    options: {
      k3d: { wait: true, timeout: `${k3dTimeoutS(cfg)}s`, disableLoadbalancer: true, disableRollback: true },
      k3s: {
        extraArgs: [
          { arg: '--disable=metrics-server', nodeFilters: server },
          { arg: '--disable-default-registry-endpoint', nodeFilters: server },
          // k3s >= 1.35 refuses cgroup v1 hosts unless told otherwise.
          ...(cgroup === 1 ? [{ arg: '--kubelet-arg=fail-cgroupv1=false', nodeFilters: server }] : []),
        ],
      },
      kubeconfig: { updateDefaultKubeconfig: false, switchCurrentContext: false },
    },
  };
}
