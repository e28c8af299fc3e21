import { imageArch, UnsupportedArchError } from './config/arch.ts';
import { createContext } from './context.ts';
import { createLog } from './run/log.ts';
import { isOperatorCommand, OPERATOR_COMMANDS, OperatorUsageError, runOperator } from './ops/commands.ts';
import { runPipeline } from './pipeline.ts';
import { probe } from './cluster/probe.ts';
import { helpLines, parseBootConfig, UsageError } from './config/settings.ts';
import { cluster } from './phases/cluster.ts';
import { dockerd } from './phases/dockerd.ts';
import { images } from './phases/images.ts';
import { preflight } from './phases/preflight.ts';
import { release } from './phases/release.ts';
import { serve } from './phases/serve.ts';
import { verify } from './phases/verify.ts';

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
  /** Node's `process.arch` (injected so tests can plan for the other architecture). */
  arch?: string;
  /** Standard error (operator commands' counts and messages), standard input (restore). */
  err?: (s: string) => void;
  readStdin?: () => Promise<string>;
};

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
    ...helpLines(),
  ].join('\n');
}

/** The appliance: config in, phases out (or one operator command). Returns the exit code. */
export async function main(deps: MainDeps): Promise<number> {
  const flags = new Set(deps.argv);
  if (flags.has('--help') || flags.has('-h')) { deps.out(`${helpText()}\n`); return 0; }
  const command = isOperatorCommand(deps.argv[0]) ? deps.argv[0]! : undefined;
  const unknown = command ? [] : deps.argv.filter((a) => !['--dry-run', '--probe'].includes(a));
  if (unknown.length) { deps.out(`unknown argument ${unknown[0]}\n\n${helpText()}\n`); return 2; }

  let cfg, arch;
  try {
    cfg = parseBootConfig(deps.env, { dryRun: flags.has('--dry-run') });
    arch = imageArch(deps.arch ?? process.arch);
  } catch (err) {
    if (err instanceof UsageError || err instanceof UnsupportedArchError) { deps.out(`start-cluster: ${err.message}\n`); return 2; }
    throw err;
  }
  const log = createLog(deps.out);
  const fetchImpl = deps.fetch ?? fetch;

  if (flags.has('--probe')) {
    const r = await probe(cfg.probeUrl, { fetch: fetchImpl });
    deps.out(r.ok ? `healthy: ${r.checks.join(', ')}\n` : `unhealthy: ${r.failed}\n`);
    return r.ok ? 0 : 1;
  }

  const stop = new AbortController();
  const ctx = createContext(cfg, { log, arch, signal: stop.signal, fetch: fetchImpl });

  if (command) {
    const err = deps.err ?? deps.out;
    try {
      return await runOperator(command, deps.argv.slice(1), ctx, { out: deps.out, err, readStdin: deps.readStdin ?? (async () => '') });
    } catch (e) {
      err(`wiki ${command}: ${(e as Error).message}\n`);
      return e instanceof OperatorUsageError ? 2 : 1;
    }
  }

  deps.onSignal((signal) => {
    if (stop.signal.aborted) {
      log.line('stop', `second ${signal}: exiting now`);
      deps.exit(130);
      return;
    }
    log.line('stop', `${signal} received: stopping within ${cfg.stopTimeoutS}s`);
    stop.abort(new Error(`${signal} received`));
  });

  const { pins } = ctx;
  log.line('start', cfg.dryRun
    ? `dry run: the plan for linux/${arch}, k3s ${pins.K3S_VERSION}, k3d ${pins.K3D_VERSION}, helm ${pins.HELM_VERSION} (nothing is executed)`
    : `wiki-appliance: k3s ${pins.K3S_VERSION}, k3d ${pins.K3D_VERSION}, helm ${pins.HELM_VERSION}, linux/${arch}; phases ${PHASES.map((p) => p.name).join(' → ')}`);
  const outcome = await runPipeline(PHASES, ctx, stop.signal);
  if (outcome.ok === true || outcome.ok === 'stopped') {
    log.line('stop', cfg.dryRun ? 'dry run complete' : 'stopped cleanly');
    return 0;
  }
  log.line('exit', `failed in phase ${outcome.phase}; exit code 1`);
  return 1;
}
