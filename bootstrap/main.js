import { recordPhase } from "./boot-state.js";
import { imageArch, UnsupportedArchError } from "./arch.js";
import { helpText, parseBootConfig, UsageError } from "./config.js";
import { createLog } from "./log.js";
import { isOperatorCommand, OperatorUsageError, runOperator } from "./ops/commands.js";
import { runPipeline } from "./pipeline.js";
import { probe } from "./probe.js";
import { createContext } from "./setup.js";
import { teardown } from "./teardown.js";
import { cluster } from "./phases/cluster.js";
import { dockerd } from "./phases/dockerd.js";
import { images } from "./phases/images.js";
import { preflight } from "./phases/preflight.js";
import { release } from "./phases/release.js";
import { serve } from "./phases/serve.js";
import { verify } from "./phases/verify.js";
export const PHASES = [preflight, dockerd, images, cluster, release, verify, serve];
/** The appliance: config in, phases out (or one operator command). Returns the exit code. */
export async function main(deps) {
    const flags = new Set(deps.argv);
    if (flags.has('--help') || flags.has('-h')) {
        deps.out(`${helpText()}\n`);
        return 0;
    }
    const command = isOperatorCommand(deps.argv[0]) ? deps.argv[0] : undefined;
    const unknown = command ? [] : deps.argv.filter((a) => !['--dry-run', '--probe'].includes(a));
    if (unknown.length) {
        deps.out(`unknown argument ${unknown[0]}\n\n${helpText()}\n`);
        return 2;
    }
    let cfg, arch;
    try {
        cfg = parseBootConfig(deps.env, { dryRun: flags.has('--dry-run') });
        arch = imageArch(deps.arch ?? process.arch);
    }
    catch (err) {
        if (err instanceof UsageError || err instanceof UnsupportedArchError) {
            deps.out(`start-cluster: ${err.message}\n`);
            return 2;
        }
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
        }
        catch (e) {
            err(`wiki ${command}: ${e.message}\n`);
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
    await teardown(ctx);
    if (outcome.ok === true || outcome.ok === 'stopped') {
        if (ctx.state.dockerdStarted)
            recordPhase(ctx, 'stopped');
        log.line('stop', cfg.dryRun ? 'dry run complete' : 'stopped cleanly');
        return 0;
    }
    log.line('exit', `failed in phase ${outcome.phase}; exit code 1`);
    return 1;
}
