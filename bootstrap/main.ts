import { ArgvError, DEFAULT_PROGRAM, HELP_OPTION, optionLines, parseOptions, synopsis, type Options } from './args.ts';
import { probe } from './cluster/probe.ts';
import { imageArch, UnsupportedArchError } from './config/arch.ts';
import { helpLines, parseBootConfig, UsageError } from './config/settings.ts';
import { createContext } from './context.ts';
import { commandHelp, commandSynopsis, isOperatorCommand, OPERATOR_COMMANDS, parseCommandArgs, runOperator, type CommandName } from './ops/commands.ts';
import { cluster } from './phases/cluster.ts';
import { dockerd } from './phases/dockerd.ts';
import { images } from './phases/images.ts';
import { preflight } from './phases/preflight.ts';
import { release } from './phases/release.ts';
import { serve } from './phases/serve.ts';
import { verify } from './phases/verify.ts';
import { runPipeline } from './pipeline.ts';
import { createLog } from './run/log.ts';

export const PHASES = [preflight, dockerd, images, cluster, release, verify, serve];

export type MainDeps = {
  /** The name the user ran (`wiki` or `start-cluster`, programName()), for errors and usage. */
  program?: string;
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
  /** Standard error (usage errors, operator commands' counts and messages), standard input (restore). */
  err?: (s: string) => void;
  readStdin?: () => Promise<string>;
};

/** The entrypoint's own options (an operator command has its own: ops/commands.ts). */
const BOOT_OPTIONS: Options = {
  'dry-run': { help: 'print the resolved plan (every command, the bundled files, the generated k3d config and values) and exit 0' },
  probe: { help: 'run the read-only end-to-end health probe once (the image HEALTHCHECK) and exit 0 or 1' },
  help: HELP_OPTION,
};

export function helpText(program = DEFAULT_PROGRAM): string {
  const commands = (Object.keys(OPERATOR_COMMANDS) as CommandName[]).map((c) => [commandSynopsis(c), OPERATOR_COMMANDS[c].summary] as const);
  const width = Math.max(...commands.map(([c]) => c.length));
  return [
    'wiki-appliance: starts dockerd, a k3d cluster and the wiki chart, then serves until stopped.',
    '',
    `usage: ${program} ${synopsis(BOOT_OPTIONS)}`,
    `       ${program} <command> [options]   (an operator command; ${program} <command> --help lists its options)`,
    ...optionLines(BOOT_OPTIONS),
    '',
    'commands:',
    ...commands.map(([c, d]) => `  ${c.padEnd(width)}   ${d}`),
    '',
    'environment:',
    ...helpLines(),
  ].join('\n');
}

/** The appliance: config in, phases out (or one operator command). Returns the exit code. */
export async function main(deps: MainDeps): Promise<number> {
  const program = deps.program ?? DEFAULT_PROGRAM;
  const err = deps.err ?? deps.out;
  const [first, ...rest] = deps.argv;
  if (isOperatorCommand(first)) return operator(first, rest, deps, program);

  let flags;
  try {
    if (first !== undefined && !first.startsWith('-')) throw new ArgvError(`unknown command ${first}`);
    flags = parseOptions(deps.argv, BOOT_OPTIONS).values;
  } catch (e) {
    if (!(e instanceof ArgvError)) throw e;
    err(`${program}: ${e.message}\n\n${helpText(program)}\n`);
    return 2;
  }
  if (flags.help) { deps.out(`${helpText(program)}\n`); return 0; }
  const setup = configure(deps, program, { dryRun: !!flags['dry-run'] });
  if (!setup) return 2;
  const { cfg, arch } = setup;
  const log = createLog(deps.out);
  const fetchImpl = deps.fetch ?? fetch;

  if (flags.probe) {
    const r = await probe(cfg.probeUrl, { fetch: fetchImpl });
    deps.out(r.ok ? `healthy: ${r.checks.join(', ')}\n` : `unhealthy: ${r.failed}\n`);
    return r.ok ? 0 : 1;
  }

  const stop = new AbortController();
  const ctx = createContext(cfg, { log, arch, signal: stop.signal, fetch: fetchImpl });
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

/** The environment and the architecture, or one line naming the program (then exit 2). */
function configure(deps: MainDeps, program: string, { dryRun }: { dryRun: boolean }) {
  try {
    return { cfg: parseBootConfig(deps.env, { dryRun }), arch: imageArch(deps.arch ?? process.arch) };
  } catch (err) {
    if (err instanceof UsageError || err instanceof UnsupportedArchError) { (deps.err ?? deps.out)(`${program}: ${err.message}\n`); return undefined; }
    throw err;
  }
}

/** `wiki <command>`: its own options (or its --help), then the command in the appliance's context. */
async function operator(command: CommandName, argv: string[], deps: MainDeps, program: string): Promise<number> {
  const err = deps.err ?? deps.out;
  let args;
  try {
    args = parseCommandArgs(command, argv);
  } catch (e) {
    if (!(e instanceof ArgvError)) throw e;
    err(`${program} ${command}: ${e.message}\n\n${commandHelp(program, command)}\n`);
    return 2;
  }
  if (args === 'help') { deps.out(`${commandHelp(program, command)}\n`); return 0; }
  const setup = configure(deps, program, { dryRun: false });
  if (!setup) return 2;
  const ctx = createContext(setup.cfg, { log: createLog(deps.out), arch: setup.arch, signal: new AbortController().signal, fetch: deps.fetch ?? fetch });
  try {
    return await runOperator(command, args, ctx, { program, out: deps.out, err, readStdin: deps.readStdin ?? (async () => '') });
  } catch (e) {
    err(`${program} ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}
