/**
 * The release phase after a boot stopped inside `helm`, or inside the recovery's own uninstall or
 * rollback: the fake helm saves each pending state as Helm 4 does, and the next boot reaches READY.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { boot, callsOfLastBoot, DESTRUCTIVE, helmHistory, ready, useFakeService, world } from '../../test/support/appliance.ts';

const { url } = useFakeService({ before, after });

describe('a boot interrupted inside release, or inside its own recovery, recovers on the next start', () => {
  const statuses = (state: string) => (existsSync(join(state, 'helm.json')) ? helmHistory(state).map((h) => h.status) : []);
  // SIGTERM once helm has saved `status` (as Helm 4 does before it acts and waits).
  const saved = (state: string, status: string) => () => statuses(state).at(-1) === status;
  const KEPT = 'kept for the new install: PersistentVolumeClaim/data-wiki-postgresql-0, PersistentVolumeClaim/wiki-grafana, PersistentVolumeClaim/wiki-prometheus, Secret/wiki-postgresql';

  it('first install interrupted (pending-install) → uninstall, install, READY; nothing else deleted', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url() };
    const killed = await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-install') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['pending-install'], 'what a real interrupted install leaves');
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.ok(b.output.includes(`release: found revision 1 pending-install (an interrupted first install): uninstalling it, then installing; ${KEPT}`), b.output);
    const last = callsOfLastBoot(b);
    assert.ok(last.some((c) => c.startsWith('helm history wiki --max 20 --output json')));
    assert.ok(last.some((c) => c.startsWith('helm uninstall wiki --wait')));
    assert.ok(last.findIndex((c) => c.startsWith('helm uninstall')) < last.findIndex((c) => c.startsWith('helm upgrade --install')));
    assert.deepEqual(last.filter((c) => DESTRUCTIVE.test(c)), []);
    assert.deepEqual(statuses(w.state), ['deployed']);
    assert.match(b.output, /READY in/);
  });

  it('the recovery\'s own uninstall interrupted (uninstalling, nothing deployed) → uninstall again, install, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url() };
    await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-install') });
    const killed = await boot({ ...env, FAKE_HANG: '["helm uninstall"]' }, { until: saved(w.state, 'uninstalling') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['uninstalling'], 'Helm saves uninstalling before it deletes and purges after --wait');
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.ok(b.output.includes(`release: found revision 1 uninstalling (an interrupted uninstall): uninstalling it, then installing; ${KEPT}`), b.output);
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.deepEqual(statuses(w.state), ['deployed']);
  });

  it('upgrade interrupted (pending-upgrade) → rollback to the deployed revision, then upgrade, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url() };
    assert.equal((await boot({ ...env, WIKI_HOST_PORT: '8080' }, { until: ready })).code, 0);
    // Another published port changes Grafana's root URL in the values: an upgrade to make.
    const killed = await boot({ ...env, WIKI_HOST_PORT: '9090', FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-upgrade') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['deployed', 'pending-upgrade']);
    const b = await boot({ ...env, WIKI_HOST_PORT: '9090' }, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 2 pending-upgrade \(an interrupted upgrade\): rolling back to revision 1, then upgrading/);
    assert.ok(callsOfLastBoot(b).some((c) => c.startsWith('helm rollback wiki 1 --wait')));
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.match(b.output, /release: release wiki deployed \(revision 4\)/);
  });

  it('the recovery\'s own rollback interrupted (pending-rollback) → roll back again, upgrade, READY', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url(), WIKI_HOST_PORT: '9090' };
    assert.equal((await boot({ ...env, WIKI_HOST_PORT: '8080' }, { until: ready })).code, 0);
    await boot({ ...env, FAKE_HANG: '["helm upgrade"]' }, { until: saved(w.state, 'pending-upgrade') });
    const killed = await boot({ ...env, FAKE_HANG: '["helm rollback"]' }, { until: saved(w.state, 'pending-rollback') });
    assert.equal(killed.code, 0, killed.output);
    assert.deepEqual(statuses(w.state), ['deployed', 'pending-upgrade', 'pending-rollback']);
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 3 pending-rollback \(an interrupted rollback\): rolling back to revision 1, then upgrading/);
    assert.deepEqual(callsOfLastBoot(b).filter((c) => DESTRUCTIVE.test(c)), []);
    assert.equal(statuses(w.state).at(-1), 'deployed');
    assert.match(b.output, /READY in/);
  });

  it('a deployed release from the same chart and values: no new revision, no history action; a changed value upgrades', async () => {
    const w = world();
    const env = { ...w.env, WIKI_PROBE_URL: url() };
    assert.equal((await boot(env, { until: ready })).code, 0);
    const b = await boot(env, { until: ready });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: release wiki unchanged \(revision 1: the same chart and values\)/);
    assert.ok(!callsOfLastBoot(b).some((c) => /^helm (upgrade|uninstall|rollback)/.test(c)), callsOfLastBoot(b).join('\n'));
    const changed = await boot({ ...env, GRAFANA_ADMIN_PASSWORD: 'another-one' }, { until: ready });
    assert.equal(changed.code, 0, changed.output);
    assert.match(changed.output, /release: release wiki deployed \(revision 2\)/);
    assert.doesNotMatch(changed.output, /another-one/, 'the description Helm keeps shows no value');
    assert.doesNotMatch(JSON.stringify(helmHistory(w.state)), /another-one/);
  });
});
