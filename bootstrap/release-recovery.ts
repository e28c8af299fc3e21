/**
 * A release left mid-operation (the container stopped or timed out inside `helm upgrade --install
 * --wait`) blocks every later upgrade with Helm's "another operation (install/upgrade/rollback) is
 * in progress". Read from `helm history -o json` (Helm 4 pkg/cmd/history.go releaseInfo), decided here.
 */
import { CommandError } from './exec.ts';
import { helm, RELEASE } from './kube.ts';
import type { Ctx } from './context.ts';

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

/** pending-install with nothing deployed → uninstall; pending-upgrade/-rollback → roll back to the last deployed. */
export function recoveryFor(history: Revision[]): Recovery {
  const last = history.at(-1);
  if (!last) return { action: 'none', found: 'no release yet' };
  const found = `revision ${last.revision} ${last.status}`;
  if (!['pending-install', 'pending-upgrade', 'pending-rollback'].includes(last.status)) return { action: 'none', found };
  const good = history.filter((h) => h.revision !== last.revision && (h.status === 'deployed' || h.status === 'superseded')).at(-1);
  if (!good) return { action: 'uninstall', found };
  return { action: 'rollback', to: good.revision, found };
}
