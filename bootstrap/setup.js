import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiImageRef } from "./bundle.js";
import { readBootState } from "./boot-state.js";
import { createExec } from "./exec.js";
import { readPins, repoFile, VERSIONS_FILE } from "./pins.js";
/** The context every phase and operator command works in: pins, paths, tool environment, one spawner. */
export function createContext(cfg, { log, arch, signal, fetch: fetchImpl }) {
    // In the image everything lives under WIKI_HOME; from a checkout (dry runs) the repository's files are used.
    const home = (rel, fallback) => (existsSync(join(cfg.home, rel)) ? join(cfg.home, rel) : fallback);
    const pins = readPins(home('versions.env', VERSIONS_FILE));
    const paths = {
        kubeconfig: join(cfg.stateDir, 'kubeconfig'),
        k3dConfig: join(cfg.stateDir, 'k3d-config.yaml'),
        values: join(cfg.stateDir, 'values.yaml'),
        bootState: join(cfg.stateDir, 'boot-state.json'),
        dockerdLog: join(cfg.root, 'var/log/dockerd.log'),
        dockerdPid: join(cfg.root, 'var/run/docker.pid'),
        images: join(cfg.home, 'images'),
        chart: home('chart', repoFile('chart')),
    };
    const toolEnv = { DOCKER_HOST: `unix://${cfg.dockerSocket}`, KUBECONFIG: paths.kubeconfig };
    const exec = createExec({ log, dryRun: cfg.dryRun, env: toolEnv });
    return {
        cfg, pins, arch, apiRef: apiImageRef(paths.images, pins), log, exec, signal, toolEnv, paths,
        state: { dockerdStarted: false, cgroup: 1, previousApiRef: readBootState(paths.bootState)?.apiRef }, fetch: fetchImpl,
    };
}
