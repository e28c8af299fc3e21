import { deadlineVariable } from './config/settings.ts';
import { writeBootState } from './run/boot-state.ts';
import { PhaseError } from './run/errors.ts';
import { teardown } from './teardown.ts';
import type { Ctx, Phase } from './context.ts';

export type Outcome = { ok: true } | { ok: false; phase: string } | { ok: 'stopped'; phase: string };

/** The boot state's one writer: where the boot is, for `wiki status` (nothing in a dry run). */
const record = (ctx: Ctx, phase: string) => { if (!ctx.exec.dryRun) writeBootState(ctx.paths.bootState, { phase, apiRef: ctx.apiRef }); };

/**
 * Runs the phases in order, each under its own deadline: one line when a phase ends, and on the
 * first failure the phase, the reason, what to do and the diagnostics. A stop request (the `stop`
 * signal) ends the run cleanly wherever it is. Then teardown, and `stopped` in the boot state after
 * a clean stop of an engine this boot started.
 */
export async function runPipeline(phases: Phase[], ctx: Ctx, stop: AbortSignal): Promise<Outcome> {
  const outcome = await runPhases(phases, ctx, stop);
  await teardown(ctx);
  if (outcome.ok !== false && ctx.state.dockerdStarted) record(ctx, 'stopped');
  return outcome;
}

async function runPhases(phases: Phase[], ctx: Ctx, stop: AbortSignal): Promise<Outcome> {
  for (const phase of phases) {
    if (stop.aborted) return { ok: 'stopped', phase: phase.name };
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    const limitS = phase.timeout ? ctx.cfg.timeouts[phase.timeout] : undefined;
    const deadline = limitS ? AbortSignal.timeout(limitS * 1000) : undefined;
    const signal = deadline ? AbortSignal.any([stop, deadline]) : stop;
    // Preflight writes nothing (its refusals must leave the volume untouched); later phases record
    // where the boot is, and serve (which prints no start line) that it is READY.
    const records = phase.name !== 'preflight';
    if (phase.name !== 'serve') ctx.log.line(phase.name, limitS ? `starting (deadline ${limitS}s)` : 'starting');
    if (records) record(ctx, phase.name === 'serve' ? 'READY' : phase.name);
    try {
      const summary = await phase.run({ ...ctx, signal });
      ctx.log.line(phase.name, `${summary} in ${seconds()}s`);
    } catch (err) {
      if (stop.aborted) {
        ctx.log.line(phase.name, `interrupted after ${seconds()}s: stop requested`);
        return { ok: 'stopped', phase: phase.name };
      }
      const reason = deadline?.aborted && !(err instanceof PhaseError)
        ? `timed out after ${limitS}s${(err as Error)?.message && !/abort|timeout/i.test((err as Error).message) ? ` (${(err as Error).message})` : ''}`
        : (err as Error).message;
      ctx.log.line(phase.name, `FAILED after ${seconds()}s: ${reason}`);
      if (records) record(ctx, `failed in ${phase.name}`);
      // Only a deadline someone can set is suggested (preflight's is fixed).
      const variable = deadline?.aborted ? deadlineVariable(phase.timeout!) : undefined;
      const hint = err instanceof PhaseError ? err.hint : deadline?.aborted
        ? (variable ? `raise ${variable} if this machine is slow, or read the diagnostics below` : 'read the diagnostics below')
        : undefined;
      if (hint) ctx.log.line(phase.name, `what to do: ${hint}`);
      if (phase.diagnose) {
        const text = await phase.diagnose({ ...ctx, signal: AbortSignal.timeout(30_000) }).catch((e: Error) => `(diagnostics failed: ${e.message})`);
        ctx.log.raw(`---- diagnostics (${phase.name}) ----\n${text.trim()}\n---- end of diagnostics ----`);
      }
      return { ok: false, phase: phase.name };
    }
  }
  return { ok: true };
}
