import { clusterDiagnostics } from '../cluster/diagnostics.ts';
import { probe, PROBE_STEPS } from '../cluster/probe.ts';
import { PhaseError } from '../run/errors.ts';
import { waitFor } from '../run/wait.ts';
import type { Phase } from '../context.ts';

/** READY means proven through the published port, read-only: API and database, a users page, metrics, Grafana, its dashboard. */
export const verify: Phase = {
  name: 'verify',
  timeout: 'verify',
  async run(ctx) {
    if (ctx.exec.dryRun) return `would probe ${ctx.cfg.probeUrl} (read-only): ${PROBE_STEPS.join(', ')}`;
    let last = '';
    const result = await waitFor(async () => {
      const r = await probe(ctx.cfg.probeUrl, { fetch: ctx.fetch });
      if (!r.ok) last = r.failed;
      return r.ok ? r : undefined;
    }, { timeoutMs: ctx.cfg.timeouts.verify * 1000, intervalMs: 2000, signal: ctx.signal, what: 'the end-to-end probe' }).catch(() => {
      // Whichever deadline fired first (this wait's or the phase's), say what the probe last saw.
      throw new PhaseError(`timed out after ${ctx.cfg.timeouts.verify}s waiting for the end-to-end probe${last ? `; last failure: ${last}` : ''}`,
        'the release is installed but not answering through port 8080: read the pods, events and logs below');
    });
    return `${result.checks.length} checks through ${ctx.cfg.probeUrl}: ${result.checks.join(', ')}`;
  },
  diagnose: clusterDiagnostics,
};
