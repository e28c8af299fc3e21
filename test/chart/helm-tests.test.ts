/**
 * The chart's `helm test` pod for Grafana, its rendered script run with its rendered environment against
 * a stand-in for Grafana 13 (test/support/appliance.ts fakeService: its health, dashboard, datasource
 * health and 401 bodies), since Grafana cannot run here: it must pass whatever the admin password has
 * become, and say why when anonymous access is off instead of failing on a 401.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fakeService, type ServiceMode } from '../support/appliance.ts';
import { find, render, type Yaml } from '../support/helm.ts';
import { requireTool } from '../support/tools.ts';

describe('helm test: the Grafana test pod', () => {
  const grafana: ServiceMode = { mode: 'ok', password: 'admin', users: 0 };
  let svc: Awaited<ReturnType<typeof fakeService>>;
  before(async () => { svc = await fakeService(grafana); });
  after(() => { svc.server.close(); });

  /** The pod's container as rendered, run here with its env; BASE (the in-cluster Service URL) points at the stand-in. */
  // Asynchronous: the stand-in answers from this process's event loop.
  const runTestPod = async (values: string[]) => {
    const c = find(render(values), 'Pod', 'wiki-test-grafana').spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: Yaml) => [e.name, e.value]));
    assert.equal(env.BASE, 'http://wiki-grafana/grafana');
    assert.ok(c.env.every((e: Yaml) => e.valueFrom === undefined), 'the test reads no Secret: it holds no password');
    const r = await promisify(execFile)(process.execPath, [...c.command.slice(1), ...c.args], { env: { ...env, BASE: `${svc.url}/grafana`, PATH: process.env.PATH } })
      .then((x) => ({ ...x, code: 0 }), (e) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code as number }));
    return { code: r.code, out: `${r.stdout}${r.stderr}` };
  };

  it('passes as an anonymous viewer after the admin password was changed in Grafana', async (t) => {
    if (!requireTool(t, 'helm')) return;
    Object.assign(grafana, { password: 'changed-in-the-ui', anonymousViewer: true });
    const r = await runTestPod([]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^ok: grafana healthy; dashboard Creation and datasource wiki-prometheus as an anonymous viewer$/m);
  });

  it('anonymous access off: checks health, says why the dashboard is not checked, exit 0', async (t) => {
    if (!requireTool(t, 'helm')) return;
    Object.assign(grafana, { anonymousViewer: false });
    const r = await runTestPod(['--set', 'grafana.anonymousViewer=false']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /dashboard not checked: anonymous access is off \(grafana\.anonymousViewer=false\)/);
  });

  it('anonymous viewers refused although the chart enables them: fails naming that', async (t) => {
    if (!requireTool(t, 'helm')) return;
    Object.assign(grafana, { anonymousViewer: false });
    const r = await runTestPod([]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /FAIL anonymous viewers are refused the dashboard \(401\) although grafana\.anonymousViewer is true/);
  });

  it('Grafana down: fails on its health', async (t) => {
    if (!requireTool(t, 'helm')) return;
    Object.assign(grafana, { mode: 'unavailable', anonymousViewer: true });
    try {
      const r = await runTestPod([]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /FAIL \/grafana\/api\/health 503/);
    } finally {
      grafana.mode = 'ok';
    }
  });
});
