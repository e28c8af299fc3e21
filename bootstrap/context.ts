import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiImageRef } from './config/bundle.ts';
import { readPins, repoFile, VERSIONS_FILE, type Pins } from './config/pins.ts';
import { readBootState } from './run/boot-state.ts';
import { createExec, type Exec } from './run/exec.ts';
import type { BootConfig, DeadlinePhase } from './config/settings.ts';
import type { Log } from './run/log.ts';

/** What every phase receives: configuration in, tools to act, and the little state phases hand on. */
export type Ctx = {
  cfg: BootConfig;
  pins: Pins;
  /** The image architecture this machine runs, as named by the one mapping (config/arch.ts). */
  arch: string;
  /** The API reference this build deploys (the build's identity in its tag). */
  apiRef: string;
  log: Log;
  exec: Exec;
  /** Aborted on SIGTERM/SIGINT or when the phase's deadline passes. */
  signal: AbortSignal;
  /** Environment for docker, k3d, kubectl and helm. */
  toolEnv: Record<string, string>;
  paths: { kubeconfig: string; k3dConfig: string; values: string; dockerdLog: string; dockerdPid: string; images: string; chart: string; bootState: string };
  state: { dockerdStarted: boolean; dockerdPid?: number; cgroup: 1 | 2; previousApiRef?: string };
  fetch: typeof fetch;
};

export type Phase = {
  name: string;
  /** Deadline key in cfg.timeouts; serve has none. */
  timeout?: DeadlinePhase;
  run(ctx: Ctx): Promise<string>;
  /** What to print when this phase fails, beyond the error (pods, events, logs). */
  diagnose?(ctx: Ctx): Promise<string>;
};

/** The context every phase and operator command works in: pins, paths, tool environment, one spawner. */
export function createContext(cfg: BootConfig, { log, arch, signal, fetch: fetchImpl }: { log: Log; arch: string; signal: AbortSignal; fetch: typeof fetch }): Ctx {
  // In the image everything lives under WIKI_HOME; from a checkout (dry runs) the repository's files are used.
  const home = (rel: string, fallback: string) => (existsSync(join(cfg.home, rel)) ? join(cfg.home, rel) : fallback);
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
