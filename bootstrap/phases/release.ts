import { stringify } from 'yaml';
import { clusterDiagnostics } from '../cluster/diagnostics.ts';
import { helm, RELEASE } from '../cluster/kube.ts';
import { releaseDescription } from '../cluster/release-fingerprint.ts';
import { interrupted, KEPT_ON_UNINSTALL, recoveryFor, releaseHistory } from '../cluster/release-recovery.ts';
import { applianceValues } from '../config/values.ts';
import { writeGenerated } from '../run/files.ts';
import type { Phase } from '../context.ts';

/**
 * `helm upgrade --install --wait`, after recovering an interrupted one; skipped when the deployed
 * revision was made from this chart and these values (a warm boot with no change adds no revision).
 */
export const release: Phase = {
  name: 'release',
  timeout: 'release',
  async run(ctx) {
    const values = applianceValues(ctx.cfg, ctx.pins, ctx.apiRef);
    const masked = { ...values, grafana: { ...values.grafana, adminPassword: '<GRAFANA_ADMIN_PASSWORD>' } };
    const text = stringify(values);
    writeGenerated(ctx, ctx.paths.values, text, { shown: stringify(masked) });
    const description = releaseDescription(ctx.paths.chart, text);
    const timeout = ['--timeout', `${ctx.cfg.timeouts.release}s`];

    const history = await releaseHistory(ctx);
    const recovery = recoveryFor(history);
    const last = history.at(-1);
    if (recovery.action === 'none' && last?.status === 'deployed' && last.description === description) {
      return `release ${RELEASE} unchanged (revision ${last.revision}: the same chart and values) in namespace ${ctx.cfg.namespace}, API ${ctx.apiRef}`;
    }
    const why = interrupted(last?.status ?? '');
    if (recovery.action === 'uninstall') {
      ctx.log.line('release', `found ${recovery.found} (${why}): uninstalling it, then installing; kept for the new install: ${KEPT_ON_UNINSTALL.join(', ')}`);
      await helm(ctx, ['uninstall', RELEASE, '--wait', ...timeout]);
    } else if (recovery.action === 'rollback') {
      ctx.log.line('release', `found ${recovery.found} (${why}): rolling back to revision ${recovery.to}, then upgrading`);
      await helm(ctx, ['rollback', RELEASE, String(recovery.to), '--wait', ...timeout]);
    }

    const r = await helm(ctx, [
      'upgrade', '--install', RELEASE, ctx.paths.chart, '--create-namespace',
      '--values', ctx.paths.values, '--wait', ...timeout, '--history-max', '5', '--description', description,
    ]);
    const revision = /^REVISION: (\d+)/m.exec(r.stdout)?.[1];
    return `release ${RELEASE} deployed${revision ? ` (revision ${revision})` : ''} in namespace ${ctx.cfg.namespace}, API ${ctx.apiRef}`;
  },
  diagnose: clusterDiagnostics,
};
