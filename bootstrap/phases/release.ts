import { stringify } from 'yaml';
import { clusterDiagnostics, NAMESPACE, RELEASE } from '../diagnostics.ts';
import { writeGenerated } from '../files.ts';
import { applianceValues } from '../values.ts';
import type { Phase } from '../context.ts';

/** `helm upgrade --install --wait`: the same command on every boot, idempotent. */
export const release: Phase = {
  name: 'release',
  timeout: 'release',
  async run(ctx) {
    const values = applianceValues(ctx.cfg, ctx.pins);
    const masked = { ...values, grafana: { ...values.grafana, adminPassword: '<GRAFANA_ADMIN_PASSWORD>' } };
    writeGenerated(ctx, ctx.paths.values, stringify(values), { shown: stringify(masked) });
    const r = await ctx.exec.run([
      'helm', 'upgrade', '--install', RELEASE, ctx.paths.chart,
      '--namespace', NAMESPACE, '--create-namespace',
      '--values', ctx.paths.values,
      '--wait', '--timeout', `${ctx.cfg.timeouts.release}s`,
      '--history-max', '5',
      '--kubeconfig', ctx.paths.kubeconfig,
    ], { env: ctx.toolEnv, signal: ctx.signal });
    const revision = /^REVISION: (\d+)/m.exec(r.stdout)?.[1];
    return `release ${RELEASE} deployed${revision ? ` (revision ${revision})` : ''}`;
  },
  diagnose: clusterDiagnostics,
};
