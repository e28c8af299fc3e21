/**
 * A release left mid-operation (the container stopped or timed out inside `helm upgrade --install
 * --wait`, or inside this recovery's own uninstall or rollback) blocks every later upgrade: Helm's
 * "another operation (install/upgrade/rollback) is in progress", or `"wiki" has no deployed releases`
 * after an uninstall that saved `uninstalling` (Helm 4 pkg/action/uninstall.go saves it before deleting
 * and purges only after --wait). Read from `helm history -o json` (pkg/cmd/history.go), decided here.
 */
import { CommandError } from '../run/exec.ts';
import { helm, RELEASE } from './kube.ts';
import type { Ctx } from '../context.ts';

export type Revision = { revision: number; status: string; description?: string };
export type Recovery =
  | { action: 'none'; found: string }
  | { action: 'uninstall'; found: string }
  | { action: 'rollback'; to: number; found: string };

/** The release's revisions, oldest first; none when Helm has never installed it. */
export async function releaseHistory(ctx: Ctx): Promise<Revision[]> {
  const argv = ['history', RELEASE, '--max', '20', '--output', 'json'];
  const r = await helm(ctx, argv, { check: false });
  // Helm 4 storage/driver/driver.go ErrReleaseNotFound, printed by cobra as "Error: release: not found".
  if (r.exitCode !== 0 && /release: not found/.test(r.stderr)) return [];
  if (r.exitCode !== 0) throw new CommandError(['helm', ...argv], r);
  return (JSON.parse(r.stdout || '[]') as Revision[]).sort((a, b) => a.revision - b.revision);
}

/**
 * What `helm uninstall` leaves: the chart's `helm.sh/resource-policy: keep` objects, which the next
 * install adopts (their Helm ownership metadata stays), and the StatefulSet's claims, which are no
 * release objects. test/chart/chart.test.ts checks this list against the rendered chart.
 */
export const KEPT_ON_UNINSTALL = [
  'PersistentVolumeClaim/data-wiki-postgresql-0', 'PersistentVolumeClaim/wiki-grafana', 'PersistentVolumeClaim/wiki-prometheus', 'Secret/wiki-postgresql',
] as const;

/**
 * pending-install → uninstall; uninstalling or unknown with nothing deployed → uninstall again (Helm's
 * upgrade finds no deployed release to start from); pending-upgrade/-rollback → roll back to the last
 * deployed. Everything else (deployed, failed, superseded) `helm upgrade --install` handles itself.
 */
export function recoveryFor(history: Revision[]): Recovery {
  const last = history.at(-1);
  if (!last) return { action: 'none', found: 'no release yet' };
  const found = `revision ${last.revision} ${last.status}`;
  const others = history.filter((h) => h.revision !== last.revision);
  if (last.status === 'pending-install') return { action: 'uninstall', found };
  if (last.status === 'uninstalling' || last.status === 'unknown') {
    return others.some((h) => h.status === 'deployed') ? { action: 'none', found } : { action: 'uninstall', found };
  }
  if (last.status !== 'pending-upgrade' && last.status !== 'pending-rollback') return { action: 'none', found };
  const good = others.filter((h) => h.status === 'deployed' || h.status === 'superseded').at(-1);
  if (!good) return { action: 'uninstall', found };
  return { action: 'rollback', to: good.revision, found };
}

/** Why the release is in that state, as the log says it. */
export const interrupted = (status: string) => ({
  'pending-install': 'an interrupted first install', 'pending-upgrade': 'an interrupted upgrade', 'pending-rollback': 'an interrupted rollback',
  uninstalling: 'an interrupted uninstall', unknown: 'a release Helm left in an unknown state',
} as Record<string, string>)[status] ?? status;
