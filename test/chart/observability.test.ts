/**
 * The chart's observability, for real: promtool checks the rendered Prometheus config and rules,
 * the dashboards are checked as JSON, and a real Prometheus runs the rendered scrape job (pod
 * discovery swapped for the two local API processes) against the real API on real PostgreSQL,
 * then every dashboard query is evaluated through its HTTP API.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { postJson, startApiProcess, type ApiProcess } from '../support/api.ts';
import { CHART, find, render } from '../support/helm.ts';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { requireTool, which } from '../support/tools.ts';
import { untilOk } from '../support/http.ts';
import { waitFor } from '../../bootstrap/run/wait.ts';

type Dashboard = { uid: string; title: string; panels: { id: number; type: string; datasource: { uid: string }; targets: { refId: string; expr: string; datasource?: { uid: string } }[] }[] };
const dashboards = Object.fromEntries(['creation.json', 'api-http.json'].map((f) => [f, JSON.parse(readFileSync(`${CHART}/dashboards/${f}`, 'utf8')) as Dashboard]));

describe('dashboards as JSON', () => {
  it('creation.json is a bare dashboard: uid, title, one time-series panel with both summed rates', () => {
    const d = dashboards['creation.json']!;
    assert.equal((d as unknown as Record<string, unknown>).dashboard, undefined, 'not the API envelope');
    assert.equal(d.uid, 'creation-dashboard-678');
    assert.equal(d.title, 'Creation');
    assert.equal(d.panels.length, 1);
    assert.equal(d.panels[0]!.type, 'timeseries');
    assert.deepEqual(d.panels[0]!.targets.map((t) => t.expr), ['sum(rate(users_created_total[1m]))', 'sum(rate(posts_created_total[1m]))']);
  });

  it('every panel and query references the provisioned datasource uid', (t) => {
    if (!requireTool(t, 'helm')) return;
    const prov = parse(find(render(), 'ConfigMap', 'wiki-grafana-provisioning').data['datasources.yaml']);
    const uids = new Set(prov.datasources.map((d: { uid: string }) => d.uid));
    for (const d of Object.values(dashboards)) for (const p of d.panels) {
      assert.ok(uids.has(p.datasource.uid), `${d.uid} panel ${p.id}`);
      for (const q of p.targets) assert.ok(!q.datasource || uids.has(q.datasource.uid));
    }
    assert.equal(new Set(Object.values(dashboards).map((d) => d.uid)).size, 2, 'distinct uids');
  });
});

describe('promtool', () => {
  it('checks the rendered prometheus.yml and rules.yml', (t) => {
    if (!requireTool(t, 'helm') || !requireTool(t, 'promtool')) return;
    const dir = mkdtempSync(join(tmpdir(), 'wiki-prom-'));
    try {
      const data = find(render(), 'ConfigMap', 'wiki-prometheus').data;
      writeFileSync(join(dir, 'rules.yml'), data['rules.yml']);
      // The config names its rules by their in-pod path; point it at the copy.
      writeFileSync(join(dir, 'prometheus.yml'), data['prometheus.yml'].replace('/etc/prometheus/rules.yml', join(dir, 'rules.yml')));
      let r = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /SUCCESS/);
      r = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /SUCCESS: 6 rules found/);
      // And promtool does catch a broken file.
      writeFileSync(join(dir, 'bad.yml'), 'groups:\n  - name: x\n    rules:\n      - record: y\n        expr: sum(rate(\n');
      assert.notEqual(spawnSync('promtool', ['check', 'rules', join(dir, 'bad.yml')]).status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('real Prometheus scraping the real API with the chart\'s job', () => {
  let pg: TestPostgres;
  let apis: ApiProcess[] = [];
  let prom: ChildProcess | undefined;
  let promUrl = '';
  let dir = '';

  before(async () => {
    if (!which('prometheus') || !which('helm')) return;
    pg = await startPostgres();
    apis = [await startApiProcess({ DATABASE_URL: pg.url })];
    apis.push(await startApiProcess({ DATABASE_URL: pg.url }));
    dir = mkdtempSync(join(tmpdir(), 'wiki-prom-run-'));
    const data = find(render(['--set', 'prometheus.scrapeInterval=1s']), 'ConfigMap', 'wiki-prometheus').data;
    const cfg = parse(data['prometheus.yml']);
    const job = cfg.scrape_configs.find((j: { job_name: string }) => j.job_name === 'wiki-api');
    // Pod discovery needs a cluster: stand the two processes in for two pods, labelled as discovery would.
    delete job.kubernetes_sd_configs;
    job.static_configs = apis.map((a, i) => ({ targets: [`127.0.0.1:${a.port}`], labels: { pod: `wiki-api-${i}`, namespace: 'wiki' } }));
    job.relabel_configs = job.relabel_configs.filter((r: { source_labels?: string[] }) => !r.source_labels?.some((l) => l.startsWith('__meta_kubernetes')));
    const port = await freePort();
    cfg.scrape_configs.find((j: { job_name: string }) => j.job_name === 'prometheus').static_configs = [{ targets: [`127.0.0.1:${port}`] }];
    cfg.rule_files = [join(dir, 'rules.yml')];
    writeFileSync(join(dir, 'rules.yml'), data['rules.yml']);
    writeFileSync(join(dir, 'prometheus.yml'), stringify(cfg));
    prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    promUrl = `http://127.0.0.1:${port}`;
    await untilOk(`${promUrl}/-/ready`, { intervalMs: 200, what: 'prometheus to be ready' });
  });
  after(async () => {
    prom?.kill('SIGTERM');
    for (const a of apis) a.child.kill('SIGTERM');
    await Promise.all(apis.map((a) => a.exited));
    await pg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (expr: string) => {
    const r = await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(r.status, 'success', expr);
    return r.data.result;
  };
  const eventually = (what: string, check: () => Promise<boolean>) => waitFor(check, { timeoutMs: 30_000, intervalMs: 500, what });

  it('scrapes both API processes as separate targets and every dashboard query returns non-zero series', async (t) => {
    if (!requireTool(t, 'prometheus') || !requireTool(t, 'helm')) return;
    await eventually('two healthy targets', async () => (await query('up{job="wiki-api"} == 1')).length === 2);
    // Traffic spread over both "pods", for ~5 s so rate() over 1m has several samples.
    const end = Date.now() + 5000;
    let created = 0;
    while (Date.now() < end) {
      for (const a of apis) {
        const u = await (await postJson(`${a.url}/users`, { name: 'metrics' })).json() as { id: number };
        assert.equal((await postJson(`${a.url}/posts`, { user_id: u.id, content: 'x' })).status, 201);
        await fetch(`${a.url}/users/${u.id}`);
        await fetch(`${a.url}/users/abc`);
        created++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await eventually('counters scraped', async () => {
      const r = await query('sum(users_created_total)');
      return Number(r[0]?.value[1]) === created;
    });
    const perPod = await query('users_created_total');
    assert.deepEqual(perPod.map((s) => s.metric.pod).sort(), ['wiki-api-0', 'wiki-api-1'], 'per-pod counters are separate series');

    for (const d of Object.values(dashboards)) for (const p of d.panels) for (const q of p.targets) {
      const result = await query(q.expr);
      assert.ok(result.length > 0, `${d.uid}/${p.id}/${q.refId} returns series: ${q.expr}`);
      if (!q.expr.includes('5..')) assert.ok(result.some((s) => Number(s.value[1]) > 0), `${q.expr} is non-zero: ${JSON.stringify(result)}`);
    }
    const routes = new Set((await query('sum by (route) (http_requests_total)')).map((s) => s.metric.route));
    assert.ok(routes.has('/users/:id') && routes.has('/users') && routes.has('/posts'), [...routes].join(','));
    await eventually('recording rules evaluated', async () => Number((await query('wiki:users_created:rate1m'))[0]?.value[1]) > 0);
    assert.equal((await query('ALERTS{alertname="WikiApiTargetDown"}')).length, 0);
  });
});
