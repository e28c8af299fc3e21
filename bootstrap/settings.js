import { z } from 'zod';
const seconds = (def) => z.coerce.number().int().min(1).max(86_400).default(def);
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
    WIKI_PROBE_URL: { schema: z.string().url().default('http://127.0.0.1:8080'), doc: 'where the probe reaches port 8080', internal: true },
};
const entries = () => Object.entries(SETTINGS);
export const envSchema = z.object(Object.fromEntries(entries().map(([k, s]) => [k, s.schema])));
/** The default as a person reads it. */
export const shownDefault = (s) => s.shown ?? String(s.schema.parse(undefined));
/** The variable that sets a phase's deadline, if there is one (preflight's is fixed). */
export const deadlineVariable = (phase) => entries().find(([, s]) => s.phase === phase)?.[0];
export const documentedSettings = () => entries().filter(([, s]) => !s.internal);
export const helpLines = () => documentedSettings().map(([k, s]) => `  ${k.padEnd(24)} ${s.doc.replace(/`/g, '')} (default ${shownDefault(s)})`);
export const readmeTable = () => [
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...documentedSettings().map(([k, s]) => `| \`${k}\` | ${shownDefault(s)} | ${s.doc} |`),
].join('\n');
