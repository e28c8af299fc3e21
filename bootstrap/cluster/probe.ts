/**
 * The end-to-end probe through the published port: what READY and the image HEALTHCHECK mean. It
 * only reads: the API answering with its database ready, a page of users read through the API,
 * `/metrics`, Grafana's health and the dashboard as an anonymous viewer sees it (no admin password:
 * one changed in the UI stays on Grafana's volume). Nothing is written, no id is used up.
 */
import { DASHBOARD } from '../config/urls.ts';

export type ProbeResult = { ok: true; checks: string[] } | { ok: false; failed: string; checks: string[] };

export const PROBE_REQUEST_TIMEOUT_MS = 5000;
const DASHBOARD_STEP = `dashboard ${DASHBOARD.uid}` as const;
export const PROBE_STEPS = ['GET /healthz/ready', 'GET /metrics', 'GET /grafana/api/health', DASHBOARD_STEP, 'GET /users?limit=1'] as const;
/** The HEALTHCHECK's timeout must exceed this (test/arch-and-image.test.ts reads Dockerfile.cluster). */
export const PROBE_WORST_CASE_MS = PROBE_STEPS.length * PROBE_REQUEST_TIMEOUT_MS;

export async function probe(base: string, opts: { fetch?: typeof fetch } = {}): Promise<ProbeResult> {
  const f = opts.fetch ?? fetch;
  const checks: string[] = [];
  const get = (path: string) => f(`${base}${path}`, { signal: AbortSignal.timeout(PROBE_REQUEST_TIMEOUT_MS) });
  const steps: Record<(typeof PROBE_STEPS)[number], () => Promise<boolean | string>> = {
    'GET /healthz/ready': async () => { const r = await get('/healthz/ready'); return r.status === 200 || `status ${r.status}`; },
    'GET /metrics': async () => /^users_created_total \d+/m.test(await (await get('/metrics')).text()) || 'no users_created_total',
    'GET /grafana/api/health': async () => {
      const r = await get('/grafana/api/health');
      return (r.status === 200 && ((await r.json()) as { database?: string }).database === 'ok') || `status ${r.status}`;
    },
    [DASHBOARD_STEP]: async () => {
      const r = await get(`/grafana/api/dashboards/uid/${DASHBOARD.uid}`);
      return (r.status === 200 && ((await r.json()) as { dashboard?: { title?: string } }).dashboard?.title === DASHBOARD.title) || `status ${r.status}`;
    },
    // A query on the users table through ingress, API and pool: the read path a first user will take.
    'GET /users?limit=1': async () => {
      const r = await get('/users?limit=1');
      return (r.status === 200 && Array.isArray(((await r.json()) as { items?: unknown }).items)) || `status ${r.status}`;
    },
  };
  for (const name of PROBE_STEPS) {
    const r = await steps[name]().catch((e: Error) => `${e.message}`);
    if (r !== true) return { ok: false, failed: `${name}: ${r === false ? 'unexpected answer' : r}`, checks };
    checks.push(name);
  }
  return { ok: true, checks };
}
