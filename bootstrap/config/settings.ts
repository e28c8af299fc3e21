import { z } from 'zod';

/**
 * Every environment variable the bootstrap reads, stated once: the zod schema (with its default),
 * the help line and the README's table (test/settings.test.ts checks the README against it), and
 * the BootConfig parsed from them. `phase` marks a phase deadline; `internal` settings are fixed in
 * the image and exist for tests.
 */
export type Setting = { schema: z.ZodType; doc: string; shown?: string; phase?: 'dockerd' | 'images' | 'cluster' | 'release' | 'verify'; internal?: true };

/** The phases with a deadline: one setting each, and preflight's (it only reads files), fixed here. */
export type DeadlinePhase = 'preflight' | NonNullable<Setting['phase']>;
const FIXED_DEADLINES_S = { preflight: 30 } as const;

const seconds = (def: number) => z.coerce.number().int().min(1).max(86_400).default(def);

export const SETTINGS = {
  WIKI_HOST_PORT: { schema: z.coerce.number().int().min(1).max(65535).default(8080), doc: 'host port shown in the URLs (publish it with `-p <port>:8080`)' },
  GRAFANA_ADMIN_PASSWORD: { schema: z.string().min(1).default('admin'), doc: 'Grafana admin password (user `admin`); never printed' },
  WIKI_STOP_TIMEOUT_S: { schema: seconds(8), doc: 'shutdown budget in seconds, node first, then dockerd (fits `docker stop`\'s 10 s; with `--stop-timeout 60` set 55)' },
  WIKI_DOCKERD_TIMEOUT_S: { schema: seconds(60), doc: 'deadline of the inner dockerd start', phase: 'dockerd' },
  WIKI_IMAGES_TIMEOUT_S: { schema: seconds(300), doc: 'deadline of image loading', phase: 'images' },
  WIKI_CLUSTER_TIMEOUT_S: { schema: seconds(300), doc: 'deadline of cluster create/start and node Ready (k3d\'s own wait ends before it)', phase: 'cluster' },
  WIKI_RELEASE_TIMEOUT_S: { schema: seconds(600), doc: 'deadline of `helm upgrade --install --wait` (and of a recovery before it)', phase: 'release' },
  WIKI_VERIFY_TIMEOUT_S: { schema: seconds(300), doc: 'deadline of the end-to-end probe', phase: 'verify' },
  WIKI_CLUSTER_NAME: { schema: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, up to 31').default('wiki'), doc: 'k3d cluster name' },
  WIKI_IPTABLES: { schema: z.enum(['legacy', 'nft']).optional(), shown: 'detected', doc: '`legacy` or `nft` to force the inner engine\'s iptables backend' },
  WIKI_MIN_DISK_GB: { schema: z.coerce.number().min(0).default(6), doc: 'preflight: free space required under /var/lib/docker (GiB)' },
  WIKI_MIN_MEMORY_GB: { schema: z.coerce.number().min(0).default(3), doc: 'preflight: available memory required (GiB)' },
  // Paths: fixed in the image, overridable for tests.
  WIKI_HOME: { schema: z.string().default('/opt/wiki'), doc: 'the image\'s files (chart, bundle, pins)', internal: true },
  WIKI_STATE_DIR: { schema: z.string().default('/var/lib/docker/wiki-appliance'), doc: 'generated files on the volume (kubeconfig, values, boot state)', internal: true },
  WIKI_ROOT: { schema: z.string().default('/'), doc: 'root of the host facts read (/proc, /sys)', internal: true },
  WIKI_DOCKER_DATA_ROOT: { schema: z.string().default('/var/lib/docker'), doc: 'the inner engine\'s data root', internal: true },
  WIKI_DOCKER_SOCKET: { schema: z.string().default('/var/run/docker.sock'), doc: 'the inner engine\'s socket', internal: true },
  // The node publishes container port 80 on 8080 inside the appliance; the host maps its own port to that.
  // One appliance per cluster in the image; tests run several on one control plane, a namespace each.
  WIKI_NAMESPACE: { schema: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label').default('wiki'), doc: 'the release\'s namespace', internal: true },
  WIKI_PROBE_URL: { schema: z.string().url().default('http://127.0.0.1:8080'), doc: 'where the probe reaches port 8080', internal: true },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
const entries = () => Object.entries(SETTINGS) as [SettingName, Setting][];

export const envSchema = z.object(Object.fromEntries(entries().map(([k, s]) => [k, s.schema])) as { [K in SettingName]: (typeof SETTINGS)[K]['schema'] });

/** Everything the bootstrap can be told, parsed once from the environment. */
export type BootConfig = Readonly<{
  hostPort: number; clusterName: string; namespace: string; grafanaPassword: string; grafanaPasswordFromEnv: boolean;
  stopTimeoutS: number; timeouts: Readonly<Record<DeadlinePhase, number>>;
  iptables?: 'legacy' | 'nft'; minDiskGb: number; minMemoryGb: number;
  home: string; stateDir: string; root: string; dockerDataRoot: string; dockerSocket: string; probeUrl: string;
  dryRun: boolean;
}>;

export class UsageError extends Error {}

export function parseBootConfig(env: NodeJS.ProcessEnv, { dryRun = false } = {}): BootConfig {
  const r = envSchema.safeParse(env);
  if (!r.success) throw new UsageError(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = r.data;
  const deadlines = entries().flatMap(([k, s]) => (s.phase ? [[s.phase, e[k]] as const] : []));
  return Object.freeze({
    hostPort: e.WIKI_HOST_PORT, clusterName: e.WIKI_CLUSTER_NAME, namespace: e.WIKI_NAMESPACE,
    grafanaPassword: e.GRAFANA_ADMIN_PASSWORD, grafanaPasswordFromEnv: env.GRAFANA_ADMIN_PASSWORD !== undefined,
    stopTimeoutS: e.WIKI_STOP_TIMEOUT_S,
    timeouts: Object.freeze({ ...FIXED_DEADLINES_S, ...Object.fromEntries(deadlines) } as Record<DeadlinePhase, number>),
    iptables: e.WIKI_IPTABLES, minDiskGb: e.WIKI_MIN_DISK_GB, minMemoryGb: e.WIKI_MIN_MEMORY_GB,
    home: e.WIKI_HOME, stateDir: e.WIKI_STATE_DIR, root: e.WIKI_ROOT, dockerDataRoot: e.WIKI_DOCKER_DATA_ROOT, dockerSocket: e.WIKI_DOCKER_SOCKET,
    probeUrl: e.WIKI_PROBE_URL,
    dryRun,
  });
}

/** The default as a person reads it. */
export const shownDefault = (s: Setting) => s.shown ?? String(s.schema.parse(undefined));

/** The variable that sets a phase's deadline, if there is one (preflight's is fixed). */
export const deadlineVariable = (phase: DeadlinePhase) => entries().find(([, s]) => s.phase === phase)?.[0];

export const documentedSettings = () => entries().filter(([, s]) => !s.internal);

export const helpLines = () => documentedSettings().map(([k, s]) => `  ${k.padEnd(24)} ${s.doc.replace(/`/g, '')} (default ${shownDefault(s)})`);

export const readmeTable = () => [
  '| variable | default | meaning |',
  '| --- | --- | --- |',
  ...documentedSettings().map(([k, s]) => `| \`${k}\` | ${shownDefault(s)} | ${s.doc} |`),
].join('\n');
