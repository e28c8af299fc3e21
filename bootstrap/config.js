import { OPERATOR_COMMANDS } from "./ops/commands.js";
import { envSchema, helpLines } from "./settings.js";
export class UsageError extends Error {
}
export function parseBootConfig(env, { dryRun = false } = {}) {
    const r = envSchema.safeParse(env);
    if (!r.success)
        throw new UsageError(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const e = r.data;
    return Object.freeze({
        hostPort: e.WIKI_HOST_PORT, clusterName: e.WIKI_CLUSTER_NAME,
        grafanaPassword: e.GRAFANA_ADMIN_PASSWORD, grafanaPasswordFromEnv: env.GRAFANA_ADMIN_PASSWORD !== undefined,
        stopTimeoutS: e.WIKI_STOP_TIMEOUT_S,
        timeouts: Object.freeze({ preflight: 30, dockerd: e.WIKI_DOCKERD_TIMEOUT_S, images: e.WIKI_IMAGES_TIMEOUT_S, cluster: e.WIKI_CLUSTER_TIMEOUT_S, release: e.WIKI_RELEASE_TIMEOUT_S, verify: e.WIKI_VERIFY_TIMEOUT_S }),
        iptables: e.WIKI_IPTABLES, minDiskGb: e.WIKI_MIN_DISK_GB, minMemoryGb: e.WIKI_MIN_MEMORY_GB,
        home: e.WIKI_HOME, stateDir: e.WIKI_STATE_DIR, root: e.WIKI_ROOT, dockerDataRoot: e.WIKI_DOCKER_DATA_ROOT, dockerSocket: e.WIKI_DOCKER_SOCKET,
        probeUrl: e.WIKI_PROBE_URL,
        dryRun,
    });
}
export function helpText() {
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
        ...helpLines(),
    ].join('\n');
}
