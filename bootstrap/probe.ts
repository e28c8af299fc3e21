/**
 * The end-to-end probe through the published port: what READY and the image HEALTHCHECK mean.
 * `write` also creates and reads back a user (at boot); the HEALTHCHECK reads only.
 */
export type ProbeResult = { ok: true; checks: string[] } | { ok: false; failed: string; checks: string[] };

export async function probe(base: string, opts: { write: boolean; grafanaUser: string; grafanaPassword: string; fetch?: typeof fetch; timeoutMs?: number }): Promise<ProbeResult> {
  const f = opts.fetch ?? fetch;
  const checks: string[] = [];
  const get = (path: string, init: RequestInit = {}) => f(`${base}${path}`, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
  const step = async (name: string, fn: () => Promise<boolean | string>) => {
    const r = await fn().catch((e: Error) => `${e.message}`);
    if (r !== true) throw new Error(`${name}: ${r === false ? 'unexpected answer' : r}`);
    checks.push(name);
  };
  try {
    if (opts.write) {
      let id = 0;
      await step('POST /users', async () => {
        const r = await get('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'appliance readiness probe' }) });
        if (r.status !== 201) return `status ${r.status}`;
        id = ((await r.json()) as { id: number }).id;
        return true;
      });
      await step(`GET /users/${id}`, async () => (await get(`/users/${id}`)).status === 200 || 'not readable');
    } else {
      await step('GET /healthz/ready', async () => { const r = await get('/healthz/ready'); return r.status === 200 || `status ${r.status}`; });
    }
    await step('GET /metrics', async () => /^users_created_total \d+/m.test(await (await get('/metrics')).text()) || 'no users_created_total');
    await step('GET /grafana/api/health', async () => {
      const r = await get('/grafana/api/health');
      return (r.status === 200 && ((await r.json()) as { database?: string }).database === 'ok') || `status ${r.status}`;
    });
    await step('dashboard creation-dashboard-678', async () => {
      const auth = `Basic ${Buffer.from(`${opts.grafanaUser}:${opts.grafanaPassword}`).toString('base64')}`;
      const r = await get('/grafana/api/dashboards/uid/creation-dashboard-678', { headers: { authorization: auth } });
      return (r.status === 200 && ((await r.json()) as { dashboard?: { title?: string } }).dashboard?.title === 'Creation') || `status ${r.status}`;
    });
    return { ok: true, checks };
  } catch (err) {
    return { ok: false, failed: (err as Error).message, checks };
  }
}
