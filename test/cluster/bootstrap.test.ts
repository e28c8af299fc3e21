/**
 * The bootstrap's cluster-facing phases on a real control plane (test/support/control-plane.ts) with the
 * real Helm and kubectl: only dockerd, k3d and k3s's node stay fakes (they cannot run here), and the
 * fake k3d hands out the control plane's kubeconfig. Each test is one appliance in its own namespace
 * (WIKI_NAMESPACE). First and warm boots, an upgrade to a new API reference, and helm killed (-9)
 * inside install, upgrade, the recovery's rollback and the recovery's uninstall, each followed by a
 * boot that reaches READY with the same volumes (PVC UIDs) and the same kept Secret. Then the operator
 * commands on the release's real objects: `wiki status` on its pods, `wiki logs` through kwok's
 * ClusterLogs, `wiki backup`/`restore` through kubectl exec (kwok's Exec) running the real pg_dump and
 * psql with the PostgreSQL container's environment as the cluster holds it (StatefulSet and Secret).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { appOn } from '../support/api.ts';
import { boot, fakeHome, ready, useFakeService, wikiCommand, world } from '../support/appliance.ts';
import { startPostgresPod } from '../support/postgres-pod.ts';
import { controlPlaneSkip, sharedControlPlane, type ControlPlane } from '../support/control-plane.ts';
import type { K8sObject, Yaml } from '../support/helm.ts';

const { url } = useFakeService({ before, after });

describe('the bootstrap on a real control plane', { skip: controlPlaneSkip() }, () => {
  let cp: ControlPlane;
  before(async () => { cp = await sharedControlPlane(); });
  after(() => cp?.stop());

  /** One appliance: a fake host and engine, its own namespace on the control plane. */
  const appliance = async (home = fakeHome()) => {
    const ns = await cp.namespace('wiki');
    const w = world({}, home, { cluster: { kubeconfig: cp.kubeconfig } });
    Object.assign(w.env, { WIKI_PROBE_URL: url(), WIKI_NAMESPACE: ns, WIKI_RELEASE_TIMEOUT_S: '120' });
    return { ns, w, env: w.env };
  };
  /** The release's revisions as Helm stores them (its Secrets' labels), oldest first. */
  const revisions = async (ns: string) => ((await cp.api('GET', `/api/v1/namespaces/${ns}/secrets?labelSelector=owner%3Dhelm%2Cname%3Dwiki`)).items as Yaml[])
    .map((s) => ({ version: Number(s.metadata.labels.version), status: s.metadata.labels.status as string })).sort((a, b) => a.version - b.version);
  /** UIDs of what holds the data: the three PVCs and the kept PostgreSQL Secret. */
  const dataUids = async (ns: string) => {
    const pvcs = (await cp.api('GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims`)).items as Yaml[];
    const secret = await cp.api('GET', `/api/v1/namespaces/${ns}/secrets/wiki-postgresql`).catch(() => undefined);
    return Object.fromEntries([...pvcs.map((p) => [`pvc/${p.metadata.name}`, p.metadata.uid]), ['secret/wiki-postgresql', secret?.metadata.uid]].sort());
  };
  /** SIGKILLs the helm process working on `ns` once the release's last revision is saved as `status` and `also` holds. */
  const killHelmAt = async (ns: string, status: string, also: () => Promise<boolean> = async () => true) => {
    await waitFor(async () => (await revisions(ns)).at(-1)?.status === status && (await also()), { timeoutMs: 60_000, intervalMs: 25, what: `revision ${status} in ${ns}` });
    const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        return argv[0]?.endsWith('helm') && argv.includes(ns);
      } catch { return false; }
    });
    assert.ok(pids.length > 0, `a helm process for ${ns}`);
    for (const p of pids) process.kill(Number(p), 'SIGKILL');
  };
  const pvcsExist = (ns: string) => async () => Object.keys(await dataUids(ns)).filter((k) => k.startsWith('pvc/')).length === 3;

  it('first boot installs, a warm boot with nothing changed makes no revision, a new API reference rolls a new ReplicaSet', async () => {
    const a = await appliance(fakeHome({ apiRef: 'wiki-appliance/api:0.1.0-aaaaaaaaaaaa' }));
    const first = await boot(a.env, { until: ready, timeoutMs: 180_000 });
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /release: release wiki deployed \(revision 1\)/);
    assert.deepEqual(await revisions(a.ns), [{ version: 1, status: 'deployed' }]);
    const uids = await dataUids(a.ns);
    assert.equal(Object.values(uids).filter(Boolean).length, 4, JSON.stringify(uids));

    const warm = await boot(a.env, { until: ready, timeoutMs: 180_000 });
    assert.equal(warm.code, 0, warm.output);
    assert.match(warm.output, /release: release wiki unchanged \(revision 1: the same chart and values\)/);
    assert.deepEqual(await revisions(a.ns), [{ version: 1, status: 'deployed' }]);

    const next = fakeHome({ apiRef: 'wiki-appliance/api:0.1.0-bbbbbbbbbbbb' });
    const up = await boot({ ...a.env, WIKI_HOME: next }, { until: ready, timeoutMs: 180_000 });
    assert.equal(up.code, 0, up.output);
    assert.deepEqual((await revisions(a.ns)).map((r) => r.status), ['superseded', 'deployed']);
    const sets = ((await cp.api('GET', `/apis/apps/v1/namespaces/${a.ns}/replicasets?labelSelector=app.kubernetes.io%2Fcomponent%3Dapi`)).items as Yaml[])
      .map((rs) => ({ image: rs.spec.template.spec.containers[0].image as string, replicas: rs.spec.replicas as number, ready: (rs.status.readyReplicas ?? 0) as number }));
    assert.deepEqual(sets.filter((s) => s.replicas > 0), [{ image: 'wiki-appliance/api:0.1.0-bbbbbbbbbbbb', replicas: 2, ready: 2 }], JSON.stringify(sets));
    assert.ok(sets.some((s) => s.image === 'wiki-appliance/api:0.1.0-aaaaaaaaaaaa' && s.replicas === 0), 'the old ReplicaSet scaled to 0');
    assert.deepEqual(await dataUids(a.ns), uids, 'the volumes and the kept Secret are the same objects');
  });

  it('helm killed inside the first install, then inside the recovery\'s own uninstall: each next boot reaches READY, volumes kept', async () => {
    const a = await appliance();
    const [killed] = await Promise.all([boot(a.env, { timeoutMs: 180_000 }), killHelmAt(a.ns, 'pending-install', pvcsExist(a.ns))]);
    assert.equal(killed.code, 1, killed.output);
    assert.deepEqual((await revisions(a.ns)).map((r) => r.status), ['pending-install']);
    const uids = await dataUids(a.ns);

    const [again] = await Promise.all([boot(a.env, { timeoutMs: 180_000 }), killHelmAt(a.ns, 'uninstalling')]);
    assert.equal(again.code, 1, again.output);
    assert.match(again.output, /release: found revision 1 pending-install \(an interrupted first install\): uninstalling it/);
    assert.deepEqual((await revisions(a.ns)).map((r) => r.status), ['uninstalling'], 'what Helm 4 leaves when its uninstall is killed');

    const b = await boot(a.env, { until: ready, timeoutMs: 180_000 });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 1 uninstalling \(an interrupted uninstall\): uninstalling it, then installing; kept for the new install: /);
    assert.deepEqual((await revisions(a.ns)).map((r) => r.status), ['deployed']);
    assert.deepEqual(await dataUids(a.ns), uids, 'every PVC and the kept Secret survived two uninstalls and were adopted');
  });

  it('helm killed inside an upgrade, then inside the recovery\'s rollback: the next boot rolls back, upgrades, READY; volumes kept', async () => {
    const a = await appliance();
    assert.equal((await boot(a.env, { until: ready, timeoutMs: 180_000 })).code, 0);
    const uids = await dataUids(a.ns);
    const changed = { ...a.env, WIKI_HOST_PORT: '9090' };
    const [killed] = await Promise.all([boot(changed, { timeoutMs: 180_000 }), killHelmAt(a.ns, 'pending-upgrade')]);
    assert.equal(killed.code, 1, killed.output);
    assert.deepEqual((await revisions(a.ns)).map((r) => r.status), ['deployed', 'pending-upgrade']);

    const [again] = await Promise.all([boot(changed, { timeoutMs: 180_000 }), killHelmAt(a.ns, 'pending-rollback')]);
    assert.equal(again.code, 1, again.output);
    assert.match(again.output, /release: found revision 2 pending-upgrade \(an interrupted upgrade\): rolling back to revision 1/);

    const b = await boot(changed, { until: ready, timeoutMs: 180_000 });
    assert.equal(b.code, 0, b.output);
    assert.match(b.output, /release: found revision 3 pending-rollback \(an interrupted rollback\): rolling back to revision 1, then upgrading/);
    assert.equal((await revisions(a.ns)).at(-1)?.status, 'deployed');
    assert.deepEqual(await dataUids(a.ns), uids);
  });

  it('wiki status, logs, backup and restore on the release\'s real objects', async () => {
    const a = await appliance();
    assert.equal((await boot(a.env, { until: ready, timeoutMs: 180_000 })).code, 0);
    const wiki = wikiCommand(a.w.state, a.env);

    // The boot was stopped after READY (boot state `stopped`), so status judges the pods alone here.
    const status = await wiki(['status']);
    assert.match(status.stdout, /^ {2}wiki-postgresql-0 +1\/1 +ready +0 restarts {2}Running$/m, status.stdout);
    assert.equal(status.stdout.match(/^ {2}wiki-api-\S+ +1\/1 +ready/gm)?.length, 2, status.stdout);
    // A crash-looping container, as the kubelet reports one (what kwok's stages never make on their own).
    const [crashing] = status.stdout.match(/wiki-api-\S+/) ?? [];
    await cp.kubectl(['patch', 'pod', crashing!, '--namespace', a.ns, '--subresource', 'status', '--type', 'merge', '--patch', JSON.stringify({ status: {
      conditions: [{ type: 'Ready', status: 'False' }, { type: 'ContainersReady', status: 'False' }],
      containerStatuses: [{ name: 'api', ready: false, restartCount: 4, started: false, image: 'img', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api' } } }],
    } })]);
    const unhealthy = await wiki(['status']);
    assert.match(unhealthy.stdout, new RegExp(`^ {2}${crashing} +0/1 +ready +4 restarts {2}Running$`, 'm'), unhealthy.stdout);
    assert.match(unhealthy.stdout, /^not healthy$/m);
    const logs = await wiki(['logs', 'api']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.match(/^\[pod\/wiki-api-[^/]+\/api\] .*served by kwok ClusterLogs$/gm)?.length, 2, logs.stdout);

    // The PostgreSQL container's environment as the cluster holds it, on a PostgreSQL 18 laid out by this chart.
    const get = (path: string) => cp.api('GET', `/api${path.startsWith('/apps') ? 's' : ''}${path}`) as Promise<K8sObject>;
    const objs = [
      { ...(await get(`/apps/v1/namespaces/${a.ns}/statefulsets/wiki-postgresql`)), kind: 'StatefulSet' },
      { ...(await get(`/v1/namespaces/${a.ns}/secrets/wiki-postgresql`)), kind: 'Secret' },
      { ...(await get(`/v1/namespaces/${a.ns}/configmaps/wiki-postgresql-initdb`)), kind: 'ConfigMap' },
    ];
    const pod = await startPostgresPod(objs, 'this chart');
    const app = await appOn(pod.apiUrl, { reset: false });
    try {
      for (const name of ['Ada', 'Grace', 'Linus']) await app.sql`INSERT INTO users (name) VALUES (${name})`;
      await app.sql`INSERT INTO posts (user_id, content) VALUES (2, 'from the real plane')`;
      await cp.execEnv(a.ns, 'wiki-postgresql-0', pod.execEnv);
      const backup = await waitFor(async () => { const r = await wiki(['backup']); return r.code === 0 && r; }, { timeoutMs: 20_000, intervalMs: 500, what: 'kwok to serve the pod its Exec' });
      assert.equal(backup.stderr, 'wiki backup: 3 users, 1 posts from wiki-postgresql-0\n');
      const before = await app.sql`SELECT id, name FROM users ORDER BY id`;
      await app.sql`INSERT INTO users (name) VALUES ('not in the backup')`;
      const restore = await wiki(['restore', '--force'], backup.stdout);
      assert.equal(restore.code, 0, restore.stderr);
      assert.deepEqual(await app.sql`SELECT id, name FROM users ORDER BY id`, before);
      const [next] = await app.sql`INSERT INTO users (name) VALUES ('next') RETURNING id`;
      assert.equal(next!.id, 4, 'the sequence as backed up: the next id follows the restored rows');
    } finally {
      await app.close();
      await pod.destroy();
    }
  });
});
