import { recordPhase } from "./boot-state.js";
import { PhaseError } from "./errors.js";
import { deadlineVariable } from "./settings.js";
/**
 * Runs the phases in order, each under its own deadline: one line when a phase ends, and on the
 * first failure the phase, the reason, what to do and the diagnostics. A stop request (the `stop`
 * signal) ends the run cleanly wherever it is.
 */
export async function runPipeline(phases, ctx, stop) {
    for (const phase of phases) {
        if (stop.aborted)
            return { ok: 'stopped', phase: phase.name };
        const started = performance.now();
        const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
        const limitS = phase.timeout ? ctx.cfg.timeouts[phase.timeout] : undefined;
        const deadline = limitS ? AbortSignal.timeout(limitS * 1000) : undefined;
        const signal = deadline ? AbortSignal.any([stop, deadline]) : stop;
        // Preflight writes nothing (its refusals must leave the volume untouched); later phases record where the boot is.
        const records = phase.name !== 'preflight';
        if (phase.name !== 'serve') {
            ctx.log.line(phase.name, limitS ? `starting (deadline ${limitS}s)` : 'starting');
            if (records)
                recordPhase(ctx, phase.name);
        }
        try {
            const summary = await phase.run({ ...ctx, signal });
            ctx.log.line(phase.name, `${summary} in ${seconds()}s`);
        }
        catch (err) {
            if (stop.aborted) {
                ctx.log.line(phase.name, `interrupted after ${seconds()}s: stop requested`);
                return { ok: 'stopped', phase: phase.name };
            }
            const reason = deadline?.aborted && !(err instanceof PhaseError)
                ? `timed out after ${limitS}s${err?.message && !/abort|timeout/i.test(err.message) ? ` (${err.message})` : ''}`
                : err.message;
            ctx.log.line(phase.name, `FAILED after ${seconds()}s: ${reason}`);
            if (records)
                recordPhase(ctx, `failed in ${phase.name}`);
            // Only a deadline someone can set is suggested (preflight's is fixed).
            const variable = deadline?.aborted ? deadlineVariable(phase.timeout) : undefined;
            const hint = err instanceof PhaseError ? err.hint : deadline?.aborted
                ? (variable ? `raise ${variable} if this machine is slow, or read the diagnostics below` : 'read the diagnostics below')
                : undefined;
            if (hint)
                ctx.log.line(phase.name, `what to do: ${hint}`);
            if (phase.diagnose) {
                const text = await phase.diagnose({ ...ctx, signal: AbortSignal.timeout(30_000) }).catch((e) => `(diagnostics failed: ${e.message})`);
                ctx.log.raw(`---- diagnostics (${phase.name}) ----\n${text.trim()}\n---- end of diagnostics ----`);
            }
            return { ok: false, phase: phase.name };
        }
    }
    return { ok: true };
}
