/**
 * The test control plane itself (test/support/control-plane.ts): the pinned Kubernetes version, a Ready
 * kwok node, and the chart installed with the appliance's values by real Helm — claims bound by the
 * StorageClass, `helm test` hooks completed, logs and exec served by kwok.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseBootConfig } from '../../bootstrap/config/settings.ts';
import { readPins } from '../../bootstrap/config/pins.ts';
import { applianceValues } from '../../bootstrap/config/values.ts';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { CHART, type Yaml } from '../support/helm.ts';
import { controlPlaneSkip, KUBE_VERSION, sharedControlPlane, type ControlPlane } from '../support/control-plane.ts';

const pins = readPins();

describe('the test control plane', { skip: controlPlaneSkip() }, () => {
  let cp: ControlPlane;
  let ns: string;
  before(async () => {
    cp = await sharedControlPlane();
    ns = await cp.namespace('wiki');
  });
  after(() => cp?.stop());

  it('serves the Kubernetes version the control-plane module pins, k3s minor', async () => {
    const v = JSON.parse((await cp.kubectl(['version', '--output', 'json'])).stdout);
    assert.equal(v.serverVersion.gitVersion, KUBE_VERSION);
    assert.equal(`v${v.serverVersion.major}.${v.serverVersion.minor}`, pins.K3S_VERSION.split('.').slice(0, 2).join('.'));
  });

  it('has a Ready kwok node', async () => {
    const nodes = JSON.parse((await cp.kubectl(['get', 'nodes', '--output', 'json'])).stdout).items;
    const ready = new Map(nodes.map((n: Yaml) => [n.metadata.name, n.status.conditions.find((c: Yaml) => c.type === 'Ready')?.status]));
    assert.equal(ready.get('kwok-node-0'), 'True', JSON.stringify([...ready]));
    assert.deepEqual(await cp.nodes(), [...ready.keys()].sort(), 'every node is a kwok node');
  });

  it('installs the chart with the appliance values (helm --wait), binds its claims, and passes helm test', async () => {
    const values = join(cp.dir, `values-${ns}.yaml`);
    writeFileSync(values, stringify(applianceValues(parseBootConfig({ WIKI_GRAFANA_PASSWORD: 'test-grafana-password' }), pins, pins.API_IMAGE)));
    await cp.helm(['install', 'wiki', CHART, '--namespace', ns, '--values', values, '--wait', '--timeout', '120s']);
    const status = JSON.parse((await cp.helm(['status', 'wiki', '--namespace', ns, '--output', 'json'])).stdout);
    assert.equal(status.info.status, 'deployed');

    const claims = JSON.parse((await cp.kubectl(['get', 'pvc', '--namespace', ns, '--output', 'json'])).stdout).items;
    assert.ok(claims.length >= 2, `the release's claims: ${claims.map((c: Yaml) => c.metadata.name)}`);
    for (const c of claims) assert.equal(c.status.phase, 'Bound', `${c.metadata.name} is Bound`);

    const t = await cp.helm(['test', 'wiki', '--namespace', ns, '--timeout', '60s']);
    const phases = [...t.stdout.matchAll(/^Phase:\s+(\S+)$/gm)].map((m) => m[1]);
    assert.ok(phases.length >= 1 && phases.every((p) => p === 'Succeeded'), t.stdout);
  });

  it('serves kubectl logs and kubectl exec through kwok, exec running on this machine', async () => {
    const pod = `pod/${JSON.parse((await cp.kubectl(['get', 'pods', '--namespace', ns, '--selector', 'app.kubernetes.io/component=api', '--output', 'json'])).stdout).items[0].metadata.name}`;
    const logs = await cp.kubectl(['logs', '--namespace', ns, pod]);
    assert.match(logs.stdout, /served by kwok ClusterLogs/);
    const exec = await cp.kubectl(['exec', '--namespace', ns, pod, '--', 'sh', '-c', 'pwd; echo "in $0"']);
    assert.equal(exec.stdout, `${cp.dir}\nin sh\n`);
    // One pod's exec gets its own variables (how a test points pg_dump at a local PostgreSQL).
    await cp.execEnv(ns, pod.slice('pod/'.length), { PGHOST: '127.0.0.1' });
    await waitFor(async () => (await cp.kubectl(['exec', '--namespace', ns, pod, '--', 'sh', '-c', 'echo "$PGHOST"'])).stdout === '127.0.0.1\n',
      { timeoutMs: 10_000, intervalMs: 200, what: 'kwok to serve the pod its Exec' });
  });
});
