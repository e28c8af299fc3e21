import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { helpText, parseBootConfig, UsageError } from './config.ts';
import { createExec } from './exec.ts';
import { createLog } from './log.ts';
import { readPins, repoFile, VERSIONS_FILE } from './pins.ts';
import { runPipeline } from './pipeline.ts';
import { probe } from './probe.ts';
import { teardown } from './teardown.ts';
import { cluster } from './phases/cluster.ts';
import { dockerd } from './phases/dockerd.ts';
import { images } from './phases/images.ts';
import { preflight } from './phases/preflight.ts';
import { release } from './phases/release.ts';
import { serve } from './phases/serve.ts';
import { verify } from './phases/verify.ts';
import type { Ctx } from './context.ts';

export const PHASES = [preflight, dockerd, images, cluster, release, verify, serve];

export type MainDeps = {
  argv: string[];
  env: NodeJS.ProcessEnv;
  out: (s: string) => void;
  /** Registers the handler for SIGTERM/SIGINT. */
  onSignal: (handler: (signal: string) => void) => void;
  /** Exits at once (second signal). */
  exit: (code: number) => void;
  fetch?: typeof fetch;
};

/** The appliance: config in, phases out. Returns the exit code. */
export async function main(deps: MainDeps): Promise<number> {
  const flags = new Set(deps.argv);
  if (flags.has('--help') || flags.has('-h')) { deps.out(`${helpText()}\n`); return 0; }
  const unknown = deps.argv.filter((a) => !['--dry-run', '--probe'].includes(a));
  if (unknown.length) { deps.out(`unknown argument ${unknown[0]}\n\n${helpText()}\n`); return 2; }

  let cfg;
  try {
    cfg = parseBootConfig(deps.env, { dryRun: flags.has('--dry-run') });
  } catch (err) {
    if (err instanceof UsageError) { deps.out(`start-cluster: ${err.message}\n`); return 2; }
    throw err;
  }
  const log = createLog(deps.out);
  const fetchImpl = deps.fetch ?? fetch;

  if (flags.has('--probe')) {
    const r = await probe(cfg.probeUrl, { write: false, grafanaUser: 'admin', grafanaPassword: cfg.grafanaPassword, fetch: fetchImpl });
    deps.out(r.ok ? `healthy: ${r.checks.join(', ')}\n` : `unhealthy: ${r.failed}\n`);
    return r.ok ? 0 : 1;
  }

  // In the image everything lives under WIKI_HOME; from a checkout (dry runs) the repository's files are used.
  const home = (rel: string, fallback: string) => (existsSync(join(cfg.home, rel)) ? join(cfg.home, rel) : fallback);
  const pins = readPins(home('versions.env', VERSIONS_FILE));
  const dockerHost = `unix://${cfg.dockerSocket}`;
  const paths = {
    kubeconfig: join(cfg.stateDir, 'kubeconfig'),
    k3dConfig: join(cfg.stateDir, 'k3d-config.yaml'),
    values: join(cfg.stateDir, 'values.yaml'),
    dockerdLog: join(cfg.root, 'var/log/dockerd.log'),
    dockerdPid: join(cfg.root, 'var/run/docker.pid'),
    images: join(cfg.home, 'images'),
    chart: home('chart', repoFile('chart')),
  };
  const toolEnv = { DOCKER_HOST: dockerHost, KUBECONFIG: paths.kubeconfig };
  const exec = createExec({ log, dryRun: cfg.dryRun, env: toolEnv });

  const stop = new AbortController();
  deps.onSignal((signal) => {
    if (stop.signal.aborted) {
      log.line('stop', `second ${signal}: exiting now`);
      deps.exit(130);
      return;
    }
    log.line('stop', `${signal} received: stopping within ${cfg.stopTimeoutS}s`);
    stop.abort(new Error(`${signal} received`));
  });

  log.line('start', cfg.dryRun
    ? `dry run: the plan for k3s ${pins.K3S_VERSION}, k3d ${pins.K3D_VERSION}, helm ${pins.HELM_VERSION} (nothing is executed)`
    : `wiki-appliance: k3s ${pins.K3S_VERSION}, k3d ${pins.K3D_VERSION}, helm ${pins.HELM_VERSION}; phases ${PHASES.map((p) => p.name).join(' → ')}`);
  const ctx: Ctx = { cfg, pins, log, exec, signal: stop.signal, toolEnv, paths, state: { dockerdStarted: false, cgroup: 1 }, fetch: fetchImpl };
  const outcome = await runPipeline(PHASES, ctx, stop.signal);
  await teardown(ctx);
  if (outcome.ok === true || outcome.ok === 'stopped') {
    log.line('stop', cfg.dryRun ? 'dry run complete' : 'stopped cleanly');
    return 0;
  }
  log.line('exit', `failed in phase ${outcome.phase}; exit code 1`);
  return 1;
}
