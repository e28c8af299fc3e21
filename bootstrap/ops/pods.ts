import { kubectl, RELEASE } from '../cluster/kube.ts';
import type { Ctx } from '../context.ts';

export const COMPONENTS = ['api', 'postgresql', 'prometheus', 'grafana'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The chart's selector labels for one component of the release (chart/templates/_helpers.tpl). */
export const selector = (component?: Component) =>
  [`app.kubernetes.io/instance=${RELEASE}`, ...(component ? [`app.kubernetes.io/component=${component}`] : [])].join(',');

type PodJson = {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase?: string; containerStatuses?: { name: string; ready: boolean; restartCount: number }[] };
};
export type PodSummary = { name: string; component: string; phase: string; ready: number; containers: number; restarts: number };

/** The release's pods from `kubectl get pods -o json` (finished hook pods left out). */
export async function releasePods(ctx: Ctx): Promise<PodSummary[]> {
  const r = await kubectl(ctx, ['get', 'pods', '--namespace', ctx.cfg.namespace, '--selector', selector(), '--output', 'json'], { timeoutMs: 20_000 });
  const items = (JSON.parse(r.stdout || '{"items":[]}') as { items: PodJson[] }).items;
  return items.filter((p) => p.status.phase !== 'Succeeded').map((p) => {
    const cs = p.status.containerStatuses ?? [];
    return {
      name: p.metadata.name, component: p.metadata.labels?.['app.kubernetes.io/component'] ?? '?', phase: p.status.phase ?? 'Unknown',
      ready: cs.filter((c) => c.ready).length, containers: cs.length, restarts: cs.reduce((n, c) => n + c.restartCount, 0),
    };
  });
}

/** Running, with every container ready. */
export const podReady = (p: PodSummary): boolean => p.phase === 'Running' && p.containers > 0 && p.ready === p.containers;

/** The running PostgreSQL pod of the release. */
export async function postgresPod(ctx: Ctx): Promise<string> {
  const pod = (await releasePods(ctx)).find((p) => p.component === 'postgresql' && podReady(p));
  if (!pod) throw new Error('no ready PostgreSQL pod in the release (see `wiki status`)');
  return pod.name;
}

/**
 * A PostgreSQL client program run in the PostgreSQL pod as the wiki's own role on the wiki's database
 * (WIKI_DB_* in the chart's container environment): that role owns the tables on a volume made by this
 * chart (a plain role) and by the previous one (its superuser), while POSTGRES_DB is never set in the
 * pod and POSTGRES_USER names a role the previous chart never created. The Unix socket, which the
 * image trusts; the password rides in the environment for any stricter pg_hba, never on a command line.
 */
export const inPostgres = (namespace: string, pod: string, program: 'pg_dump' | 'psql', args: string[], { stdin }: { stdin: boolean }) => [
  'exec', ...(stdin ? ['--stdin'] : []), '--namespace', namespace, pod, '--container', 'postgresql', '--',
  'sh', '-c', 'PGPASSWORD="$WIKI_DB_PASSWORD" exec "$0" --username="$WIKI_DB_USER" --dbname="$WIKI_DB_NAME" "$@"', program, ...args,
];
