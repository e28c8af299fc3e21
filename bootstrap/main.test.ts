/**
 * The command line of `start-cluster.ts`: --dry-run, --help, --probe (the HEALTHCHECK) and the
 * Grafana password's way from the environment to the values file, never the log.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { boot, ready, useFakeService, world } from '../test/support/appliance.ts';
import { readPins } from './config/pins.ts';

const pins = readPins();
const { state: service, url } = useFakeService({ before, after });

describe('command line', () => {
  it('--dry-run prints the whole plan and runs nothing', async () => {
    const w = world();
    const b = await boot({ FAKE_STATE: w.state, WIKI_HOME: '/nonexistent', WIKI_STATE_DIR: join(w.state, 'never') }, { args: ['--dry-run'] });
    assert.equal(b.code, 0, b.output);
    assert.deepEqual(b.calls, [], 'no command executed');
    assert.ok(!existsSync(join(w.state, 'never')), 'no file written');
    for (const re of [/\$ dockerd --host=unix:\/\/\/var\/run\/docker\.sock/, /\|\s+- port: 8080:80/, /volume: \/nonexistent\/images\/k3s:\/var\/lib\/rancher\/k3s\/agent\/images/,
      new RegExp(`image: ${pins.K3S_IMAGE.replace(/[.+]/g, '\\$&')}`), /disableLoadbalancer: true/, /\$ helm upgrade --install wiki .* --wait/,
      new RegExp(`\\$ docker load --input /nonexistent/images/docker/rancher-k3s.tar`), /adminPassword: <GRAFANA_ADMIN_PASSWORD>/, /stop: dry run complete/]) {
      assert.match(b.output, re);
    }
    const plan = b.output.split('\n').filter((l) => l.trimStart().startsWith('$'));
    assert.ok(plan.length >= 10);
    for (const l of plan) assert.doesNotMatch(l, /\b(curl|wget|pull|repo add|https?:\/\/)/, `no network fetch in the plan: ${l}`);
    assert.doesNotMatch(b.output, /:latest\b/);
  });

  it('--help documents every environment variable; a bad value is one clear line, exit 2', async () => {
    const w = world();
    const help = await boot({ FAKE_STATE: w.state }, { args: ['--help'] });
    assert.equal(help.code, 0);
    for (const v of ['WIKI_HOST_PORT', 'GRAFANA_ADMIN_PASSWORD', 'WIKI_STOP_TIMEOUT_S', 'WIKI_RELEASE_TIMEOUT_S', '--dry-run', '--probe']) assert.match(help.output, new RegExp(v));
    const bad = await boot({ FAKE_STATE: w.state, WIKI_HOST_PORT: 'eighty' }, { args: ['--dry-run'] });
    assert.equal(bad.code, 2);
    assert.match(bad.output, /^start-cluster: invalid environment: WIKI_HOST_PORT: /);
  });

  it('--probe (the HEALTHCHECK) reads only, and fails when the service does', async () => {
    const w = world();
    const before = service.users;
    const ok = await boot({ FAKE_STATE: w.state, WIKI_PROBE_URL: url() }, { args: ['--probe'] });
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /healthy: GET \/healthz\/ready, GET \/metrics, GET \/grafana\/api\/health, dashboard creation-dashboard-678/);
    assert.equal(service.users, before, 'the health check creates nothing');
    service.mode = 'unavailable';
    try {
      const bad = await boot({ FAKE_STATE: w.state, WIKI_PROBE_URL: url() }, { args: ['--probe'] });
      assert.equal(bad.code, 1);
      assert.match(bad.output, /unhealthy: GET \/healthz\/ready: status 503/);
    } finally {
      service.mode = 'ok';
    }
  });

  it('GRAFANA_ADMIN_PASSWORD reaches the values file, never the log', async () => {
    const w = world();
    service.password = 'pa55-from-env';
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), GRAFANA_ADMIN_PASSWORD: 'pa55-from-env' }, { until: ready });
      assert.equal(b.code, 0, b.output);
      assert.doesNotMatch(b.output, /pa55-from-env/);
      assert.match(b.output, /login {6}admin \/ \(the GRAFANA_ADMIN_PASSWORD you set\)/);
      assert.equal(parse(readFileSync(join(w.state, 'wiki/values.yaml'), 'utf8')).grafana.adminPassword, 'pa55-from-env');
    } finally {
      service.password = 'admin';
    }
  });

  it('READY does not hang on the admin password: one changed in Grafana\'s UI (kept on its volume) still boots', async () => {
    const w = world();
    service.password = 'changed-in-the-ui';
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready });
      assert.equal(b.code, 0, b.output);
      assert.match(b.output, /dashboard creation-dashboard-678/);
    } finally {
      service.password = 'admin';
    }
  });

  it('verify fails naming the dashboard when anonymous viewers cannot read it', async () => {
    const w = world();
    service.anonymousViewer = false;
    try {
      const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), WIKI_VERIFY_TIMEOUT_S: '3' });
      assert.equal(b.code, 1, b.output);
      assert.match(b.output, /last failure: dashboard creation-dashboard-678: status 401/);
    } finally {
      delete service.anonymousViewer;
    }
  });
});
