/**
 * The chart where users outgrow one machine, against the real scheduler, controllers and admission
 * (test/support/control-plane.ts): API pods spread over three nodes, a drain that the
 * PodDisruptionBudget holds back, a rolling update that never drops below the replica count, the HPA
 * bringing the Deployment to its minimum, and every ci/ value set admitted under Pod Security `restricted`.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { controlPlaneSkip, startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { CHART, type Yaml } from '../support/helm.ts';

const API = 'app.kubernetes.io/component=api';
const EXTERNAL_DB = ['--values', `${CHART}/ci/external-database-values.yaml`];
const ready = (p: Yaml) => p.status.conditions?.some((c: Yaml) => c.type === 'Ready' && c.status === 'True');

describe('the chart on three nodes', { skip: controlPlaneSkip() }, () => {
  let cp: ControlPlane;
  before(async () => { cp = await startControlPlane({ nodes: 3 }); });
  after(() => cp?.stop());

  const apiPods = async (ns: string) => JSON.parse((await cp.kubectl(['get', 'pods', '--namespace', ns, '--selector', API, '--output', 'json'])).stdout).items as Yaml[];
  /** A release of the chart with the external-database values (its Secret made first, as a user would). */
  const install = async (ns: string, args: string[]) => {
    await cp.kubectl(['create', 'secret', 'generic', 'wiki-external-db', '--namespace', ns, '--from-literal=password=external-db-password']);
    await cp.helm(['install', 'wiki', CHART, '--namespace', ns, ...EXTERNAL_DB, ...args, '--wait', '--timeout', '120s']);
  };

  describe('three API replicas', () => {
    let ns: string;
    before(async () => {
      ns = await cp.namespace('spread');
      await install(ns, ['--set', 'fastapi.replicas=3']);
    });

    it('the scheduler puts one API pod on each node, under the spread rule as the API server admitted it', async () => {
      const pods = await apiPods(ns);
      assert.equal(pods.length, 3);
      assert.deepEqual(pods.map((p) => p.spec.nodeName).sort(), await cp.nodes());
      // The API server folds matchLabelKeys into the selector: each rollout's pods are spread on their own.
      for (const p of pods) {
        const [rule] = p.spec.topologySpreadConstraints;
        assert.deepEqual([rule.topologyKey, rule.whenUnsatisfiable, rule.maxSkew], ['kubernetes.io/hostname', 'ScheduleAnyway', 1]);
        assert.deepEqual(rule.labelSelector.matchExpressions, [{ key: 'pod-template-hash', operator: 'In', values: [p.metadata.labels['pod-template-hash']] }]);
      }
    });

    it('kubectl drain evicts through the PodDisruptionBudget: held while a pod is unready, done once it is not', async () => {
      const pods = await apiPods(ns);
      const drained = pods[0].spec.nodeName as string;
      // An API pod elsewhere goes unready: one unavailable already, so maxUnavailable 1 allows no eviction.
      const other = pods.find((p) => p.spec.nodeName !== drained)!;
      const setReady = (status: 'True' | 'False') => cp.kubectl(['patch', 'pod', other.metadata.name, '--namespace', ns, '--subresource=status', '--type=json',
        '--patch', JSON.stringify([{ op: 'replace', path: `/status/conditions/${other.status.conditions.findIndex((c: Yaml) => c.type === 'Ready')}/status`, value: status }])]);
      await setReady('False');
      await waitFor(async () => JSON.parse((await cp.kubectl(['get', 'pdb', 'wiki-api', '--namespace', ns, '--output', 'json'])).stdout).status.disruptionsAllowed === 0,
        { timeoutMs: 20_000, intervalMs: 200, what: 'the PDB to allow no disruption' });
      const held = await cp.kubectl(['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=8s'], { check: false });
      assert.notEqual(held.code, 0, 'the drain must not finish');
      assert.match(held.stdout + held.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
      assert.ok((await apiPods(ns)).some((p) => p.spec.nodeName === drained && !p.metadata.deletionTimestamp), 'the API pod stays on the node');

      await setReady('True');
      const done = await cp.kubectl(['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s']);
      assert.match(done.stdout + done.stderr, /evicted/);
      await waitFor(async () => { const p = await apiPods(ns); return p.length === 3 && p.every(ready) && p; }, { timeoutMs: 30_000, intervalMs: 200, what: 'three Ready API pods' });
      const after = await apiPods(ns);
      assert.ok(after.every((p) => p.spec.nodeName !== drained), 'nothing is scheduled on the cordoned node');
      assert.equal(new Set(after.map((p) => p.spec.nodeName)).size, 2, 'the replacement spreads over the two nodes left');
      await cp.kubectl(['uncordon', drained]);
    });

    it('a rolling update never has fewer than three available API pods', async () => {
      const seen: { available: number; replicas: number; updated: number; generation: number; observed: number }[] = [];
      const stop = cp.watch(`/apis/apps/v1/namespaces/${ns}/deployments?fieldSelector=metadata.name%3Dwiki-api`, ({ object: d }) => {
        seen.push({ available: d.status?.availableReplicas ?? 0, replicas: d.status?.replicas ?? 0, updated: d.status?.updatedReplicas ?? 0, generation: d.metadata.generation, observed: d.status?.observedGeneration ?? 0 });
      });
      try {
        await waitFor(async () => seen.length > 0, { timeoutMs: 10_000, intervalMs: 50, what: 'the watch to start' });
        const before = seen.at(-1)!.generation;
        // A changed setting changes the ConfigMap checksum on the pod template: a new ReplicaSet rolls out.
        await cp.helm(['upgrade', 'wiki', CHART, '--namespace', ns, '--reuse-values', '--set', 'fastapi.logLevel=debug', '--wait', '--timeout', '120s']);
        await waitFor(async () => { const s = seen.at(-1)!; return s.generation > before && s.observed === s.generation && s.updated === 3 && s.replicas === 3 && s.available === 3; },
          { timeoutMs: 60_000, intervalMs: 100, what: 'the rollout to finish' });
      } finally {
        stop();
      }
      const during = seen.filter((s) => s.observed > 0);
      assert.ok(during.length >= 3, `the watch saw the rollout: ${JSON.stringify(seen)}`);
      assert.equal(Math.min(...during.map((s) => s.available)), 3, JSON.stringify(seen));
      // No bound on status.replicas: it lags the ReplicaSets, so it can exceed replicas + maxSurge for a moment.
    });
  });

  it('with autoscaling on, the HPA controller brings the Deployment to minReplicas', async () => {
    const ns = await cp.namespace('hpa');
    await install(ns, ['--values', `${CHART}/ci/hpa-values.yaml`]);
    const d = async () => JSON.parse((await cp.kubectl(['get', 'deployment', 'wiki-api', '--namespace', ns, '--output', 'json'])).stdout);
    assert.equal((await d()).spec.replicas, 1, 'the chart leaves replicas to the HPA (the API server defaults it to 1)');
    // The HPA controller syncs every 15 s (its default); no metrics are needed to reach the minimum.
    await waitFor(async () => (await d()).spec.replicas === 2, { timeoutMs: 60_000, intervalMs: 500, what: 'the HPA to scale wiki-api to 2' });
    const hpa = JSON.parse((await cp.kubectl(['get', 'hpa', 'wiki-api', '--namespace', ns, '--output', 'json'])).stdout);
    assert.equal(hpa.status.desiredReplicas, 2);
  });

  const sets = [['defaults', []], ...readdirSync(`${CHART}/ci`).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, ['--values', `${CHART}/ci/${f}`]])] as [string, string[]][];
  it('every ci/ value set is admitted with strict field validation under Pod Security restricted', async () => {
    const ns = await cp.namespace('restricted', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    for (const [name, args] of sets) {
      const manifest = (await cp.helm(['template', 'wiki', CHART, '--namespace', ns, ...args])).stdout;
      const r = await cp.kubectl(['apply', '--namespace', ns, '--dry-run=server', '--validate=strict', '--filename', '-'], { input: manifest, check: false });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Warning|would violate/, `${name}: ${r.stderr}`);
      assert.ok(r.stdout.split('\n').filter(Boolean).length >= 10, `${name}: ${r.stdout}`);
    }
  });
});
