import { clusterDiagnostics } from '../diagnostics.ts';
import { probe } from '../probe.ts';
import { waitFor } from '../wait.ts';
import type { Phase } from '../context.ts';

/** READY means proven through the published port: write and read a user, metrics, Grafana and its dashboard. */
export const verify: Phase = {
  name: 'verify',
  timeout: 'verify',
  async run(ctx) {
    if (ctx.exec.dryRun) return `would probe ${ctx.cfg.probeUrl}: POST /users, GET /users/{id}, /metrics, /grafana/api/health, dashboard creation-dashboard-678`;
    let last = '';
    const result = await waitFor(async () => {
      const r = await probe(ctx.cfg.probeUrl, { write: true, grafanaUser: 'admin', grafanaPassword: ctx.cfg.grafanaPassword, fetch: ctx.fetch });
      if (!r.ok) last = r.failed;
      return r.ok ? r : undefined;
    }, { timeoutMs: ctx.cfg.timeouts.verify * 1000, intervalMs: 2000, signal: ctx.signal, what: 'the end-to-end probe' }).catch((err: Error) => {
      throw new Error(`${err.message}${last ? `; last failure: ${last}` : ''}`);
    });
    return `${result.checks.length} checks through ${ctx.cfg.probeUrl}: ${result.checks.join(', ')}`;
  },
  diagnose: clusterDiagnostics,
};
