import { z } from 'zod';
import { OPERATOR_COMMANDS } from './ops/commands.ts';

/** Everything the bootstrap can be told, from the environment (documented in --help and the README). */
const seconds = (def: number) => z.coerce.number().int().min(1).max(86_400).default(def);

export const ENV_DOC: [string, string][] = [
  ['WIKI_HOST_PORT', 'host port shown in the URLs (default 8080; publish it with -p <port>:8080)'],
  ['WIKI_CLUSTER_NAME', 'k3d cluster name (default wiki)'],
  ['GRAFANA_ADMIN_PASSWORD', 'Grafana admin password (default admin; login admin/<this>)'],
  ['WIKI_STOP_TIMEOUT_S', 'shutdown budget in seconds (default 8, fits docker stop\'s 10 s; with --stop-timeout 60 set 55)'],
  ['WIKI_DOCKERD_TIMEOUT_S', 'inner dockerd start deadline (default 60)'],
  ['WIKI_IMAGES_TIMEOUT_S', 'image loading deadline (default 300)'],
  ['WIKI_CLUSTER_TIMEOUT_S', 'cluster create/start deadline (default 300)'],
  ['WIKI_RELEASE_TIMEOUT_S', 'helm upgrade --install --wait deadline (default 600)'],
  ['WIKI_VERIFY_TIMEOUT_S', 'end-to-end probe deadline (default 300)'],
  ['WIKI_IPTABLES', 'legacy or nft to force the iptables backend (default: detected)'],
  ['WIKI_MIN_DISK_GB', 'free space required under /var/lib/docker (default 6)'],
  ['WIKI_MIN_MEMORY_GB', 'available memory required (default 3)'],
];

const Env = z.object({
  WIKI_HOST_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  WIKI_CLUSTER_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, up to 31').default('wiki'),
  GRAFANA_ADMIN_PASSWORD: z.string().min(1).default('admin'),
  WIKI_STOP_TIMEOUT_S: seconds(8),
  WIKI_DOCKERD_TIMEOUT_S: seconds(60),
  WIKI_IMAGES_TIMEOUT_S: seconds(300),
  WIKI_CLUSTER_TIMEOUT_S: seconds(300),
  WIKI_RELEASE_TIMEOUT_S: seconds(600),
  WIKI_VERIFY_TIMEOUT_S: seconds(300),
  WIKI_IPTABLES: z.enum(['legacy', 'nft']).optional(),
  WIKI_MIN_DISK_GB: z.coerce.number().min(0).default(6),
  WIKI_MIN_MEMORY_GB: z.coerce.number().min(0).default(3),
  // Paths: fixed in the image, overridable for tests.
  WIKI_HOME: z.string().default('/opt/wiki'),
  WIKI_STATE_DIR: z.string().default('/var/lib/docker/wiki-appliance'),
  WIKI_ROOT: z.string().default('/'),
  WIKI_DOCKER_DATA_ROOT: z.string().default('/var/lib/docker'),
  WIKI_DOCKER_SOCKET: z.string().default('/var/run/docker.sock'),
  WIKI_PROBE_URL: z.string().url().optional(),
});

export type BootConfig = Readonly<{
  hostPort: number; clusterName: string; grafanaPassword: string; grafanaPasswordFromEnv: boolean;
  stopTimeoutS: number; timeouts: Readonly<Record<'preflight' | 'dockerd' | 'images' | 'cluster' | 'release' | 'verify', number>>;
  iptables?: 'legacy' | 'nft'; minDiskGb: number; minMemoryGb: number;
  home: string; stateDir: string; root: string; dockerDataRoot: string; dockerSocket: string; probeUrl: string;
  dryRun: boolean;
}>;

export class UsageError extends Error {}

export function parseBootConfig(env: NodeJS.ProcessEnv, { dryRun = false } = {}): BootConfig {
  const r = Env.safeParse(env);
  if (!r.success) throw new UsageError(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = r.data;
  return Object.freeze({
    hostPort: e.WIKI_HOST_PORT, clusterName: e.WIKI_CLUSTER_NAME,
    grafanaPassword: e.GRAFANA_ADMIN_PASSWORD, grafanaPasswordFromEnv: env.GRAFANA_ADMIN_PASSWORD !== undefined,
    stopTimeoutS: e.WIKI_STOP_TIMEOUT_S,
    timeouts: Object.freeze({ preflight: 30, dockerd: e.WIKI_DOCKERD_TIMEOUT_S, images: e.WIKI_IMAGES_TIMEOUT_S, cluster: e.WIKI_CLUSTER_TIMEOUT_S, release: e.WIKI_RELEASE_TIMEOUT_S, verify: e.WIKI_VERIFY_TIMEOUT_S }),
    iptables: e.WIKI_IPTABLES, minDiskGb: e.WIKI_MIN_DISK_GB, minMemoryGb: e.WIKI_MIN_MEMORY_GB,
    home: e.WIKI_HOME, stateDir: e.WIKI_STATE_DIR, root: e.WIKI_ROOT, dockerDataRoot: e.WIKI_DOCKER_DATA_ROOT, dockerSocket: e.WIKI_DOCKER_SOCKET,
    // The node publishes container port 80 on 8080 inside the appliance; the host maps its own port to that.
    probeUrl: e.WIKI_PROBE_URL ?? 'http://127.0.0.1:8080',
    dryRun,
  });
}

export function helpText(): string {
  return [
    'wiki-appliance: starts dockerd, a k3d cluster and the wiki chart, then serves until stopped.',
    '',
    'usage: start-cluster [--dry-run] [--probe] [--help]',
    '       wiki <command> (in the image: the same program, for operators)',
    '  --dry-run  print the resolved plan (every command, the bundled files, the generated k3d config and values) and exit 0',
    '  --probe    run the read-only end-to-end health probe once (the image HEALTHCHECK) and exit 0 or 1',
    '',
    'commands:',
    ...OPERATOR_COMMANDS.map(([c, d]) => `  ${c.padEnd(42)} ${d}`),
    '',
    'environment:',
    ...ENV_DOC.map(([k, v]) => `  ${k.padEnd(24)} ${v}`),
  ].join('\n');
}
