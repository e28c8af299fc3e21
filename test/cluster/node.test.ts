/**
 * The appliance's chart on a real node (test/support/node.ts): containerd runs every pod, the kubelet
 * probes them, kube-proxy routes the Services, CoreDNS answers in pods. The bootstrap installs the
 * release with the appliance's own values (only dockerd and k3d stay fakes; the fake k3d hands out the
 * control plane's kubeconfig) and reaches READY through the chart's Ingress routes
 * (test/support/ingress.ts stands in for Traefik). Then: `helm test` runs its pods, the request sequence
 * through the API Service, Prometheus finds every API pod by kubernetes_sd and scrapes it, `wiki
 * status/logs/backup/restore` through real exec, an API pod deleted and a rolling update under write
 * load, and the PostgreSQL pod deleted. Images keep the chart's names: the API image is built from
 * Dockerfile.api, the others are stand-ins (test/images/README.md says what each leaves unproven).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readVersions } from '../../bootstrap/config/pins.ts';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { boot, fakeHome, ready, wikiCommand, world } from '../support/appliance.ts';
import { controlPlaneSkip, startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { docker, LOCAL_BASES } from '../support/docker.ts';
import type { Yaml } from '../support/helm.ts';
import { startIngress, type Ingress } from '../support/ingress.ts';
import { startLoad } from '../support/load.ts';
import { hostAddress, nodeLeftovers, nodeSkip, startNode, type RealNode } from '../support/node.ts';
import { chartImages } from '../support/node-images.ts';

const pins = readVersions();
const TOOLS = process.env.WIKI_TOOLS_DIR ?? '/var/cache/wiki-appliance';
/** Two builds of Dockerfile.api: the release's, and the one a rolling update moves to. */
const API_REFS = ['wiki-appliance/api:0.1.0-node-a', 'wiki-appliance/api:0.1.0-node-b'];
const isReady = (p: Yaml) => p.status.conditions?.some((c: Yaml) => c.type === 'Ready' && c.status === 'True');

describe('the appliance on a real node', { skip: controlPlaneSkip() || nodeSkip() }, () => {
  let cp: ControlPlane;
  let node: RealNode;
  let ingress: Ingress;
  let ns = '';
  let env: Record<string, string> = {};

  const pods = async (selector = '') => ((await cp.api('GET', `/api/v1/namespaces/${ns}/pods${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`)).items as Yaml[]);
  const apiPods = () => pods('app.kubernetes.io/component=api');
  const serviceUrl = async (name: string) => {
    const svc = await cp.api('GET', `/api/v1/namespaces/${ns}/services/${name}`);
    return `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}`;
  };
  /** SQL as the wiki's own role, through `kubectl exec` into the PostgreSQL container (its env names the role). */
  const sql = async (query: string) => (await cp.kubectl(['exec', '--namespace', ns, 'wiki-postgresql-0', '--', 'sh', '-c',
    'PGPASSWORD="$WIKI_DB_PASSWORD" psql --no-psqlrc -At --username="$WIKI_DB_USER" --dbname="$WIKI_DB_NAME" -c "$0"', query])).stdout.trim();
  let wiki: ReturnType<typeof wikiCommand>;
  const bootWith = async (apiRef: string) => {
    const b = await boot({ ...env, WIKI_HOME: fakeHome({ apiRef }) }, { until: ready, timeoutMs: 420_000 });
    assert.equal(b.code, 0, b.output);
    return b;
  };

  before(async () => {
    const address = hostAddress();
    cp = await startControlPlane({ nodes: 0, advertise: address });
    const t0 = Date.now();
    node = await startNode(cp, { address, registryDir: join(TOOLS, 'node-registry'), sandboxImage: pins.PAUSE_IMAGE! });
    const started = Date.now() - t0;
    // The release's images, preloaded as the appliance's bundle is: stand-ins under the chart's names, and the API twice.
    docker(['build', '-f', 'Dockerfile.api', ...LOCAL_BASES, '-t', API_REFS[0]!, '.']);
    docker(['build', '-f', 'Dockerfile.api', ...LOCAL_BASES, '--label', 'wiki.test.rebuild=b', '-t', API_REFS[1]!, '.']);
    const refs = await chartImages({ registry: node.registry, also: API_REFS });
    for (const ref of refs) await node.crictl(['pull', ref], { timeoutMs: 300_000 });
    console.log(`# node Ready in ${(started / 1000).toFixed(1)} s; images built, pushed and pulled in ${((Date.now() - t0 - started) / 1000).toFixed(1)} s`);

    ns = await cp.namespace('wiki');
    ingress = await startIngress(cp, ns);
    const w = world({}, fakeHome({ apiRef: API_REFS[0] }), { cluster: { kubeconfig: cp.kubeconfig } });
    env = { ...w.env, WIKI_PROBE_URL: ingress.url, WIKI_NAMESPACE: ns, WIKI_RELEASE_TIMEOUT_S: '300', WIKI_VERIFY_TIMEOUT_S: '240' };
    wiki = wikiCommand(w.state, env);
    console.log(`# first boot READY in ${((await bootWith(API_REFS[0]!)).ms / 1000).toFixed(1)} s (install with --wait, then the probe through the Ingress)`);
  });
  after(async () => {
    if (node) {
      const { processes, pods } = node.peakMemory();
      const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
      console.log(`# peak memory: node processes ${mib(Object.values(processes).reduce((a, b) => a + b, 0))} (${Object.entries(processes).map(([n, b]) => `${n} ${mib(b)}`).join(', ')}); pods ${mib(pods)}`);
    }
    await ingress?.close();
    await node?.stop();
    await cp?.stop();
    assert.deepEqual(nodeLeftovers(), [], 'the node left nothing on this machine');
  });

  it('every pod Ready through its own probes; READY proven through the Ingress routes to the API and Grafana', async () => {
    const all = await pods();
    const workloads = all.filter((p) => !p.metadata.name.includes('-test-'));
    assert.deepEqual(workloads.map((p) => p.metadata.labels['app.kubernetes.io/component']).sort(), ['api', 'api', 'grafana', 'postgresql', 'prometheus']);
    for (const p of workloads) {
      assert.ok(isReady(p), `${p.metadata.name} Ready`);
      assert.equal(p.spec.nodeName, node.name);
      for (const c of p.status.containerStatuses as Yaml[]) assert.ok(c.ready && c.state.running, `${p.metadata.name}/${c.name} running and ready`);
    }
    // The kubelet ran the probes: a container is Ready only after its readiness probe passed once.
    const api = (await apiPods())[0]!;
    const started = Date.parse(api.status.containerStatuses[0].state.running.startedAt);
    const readyAt = Date.parse(api.status.conditions.find((c: Yaml) => c.type === 'Ready').lastTransitionTime);
    assert.ok(readyAt >= started, 'Ready after the container started');
    const res = await fetch(`${ingress.url}/grafana/api/health`);
    assert.equal(res.status, 200);
  });

  it('helm test runs the chart\'s test pods for real and they pass', async () => {
    const r = await cp.helm(['test', 'wiki', '--namespace', ns, '--logs', '--timeout', '180s']);
    assert.match(r.stdout, /ok: api/);
    assert.match(r.stdout, /ok: grafana healthy; dashboard Creation and datasource wiki-prometheus as an anonymous viewer/);
  });

  it('the request sequence through the API Service', async () => {
    const base = await serviceUrl('wiki-api');
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post('/users', { name: 'through the Service' });
    assert.equal(created.status, 201);
    const user = await created.json() as { id: number; name: string };
    assert.ok(created.headers.get('x-request-id'));
    assert.deepEqual(await (await fetch(`${base}/users/${user.id}`)).json(), { ...user });
    assert.equal((await fetch(`${base}/users/abc`)).status, 422);
    const p = await post('/posts', { user_id: user.id, content: 'hello from a real node' });
    assert.equal(p.status, 201);
    const postBody = await p.json() as { post_id: number };
    assert.equal((await (await fetch(`${base}/posts/${postBody.post_id}`)).json() as { user_id: number }).user_id, user.id);
    assert.equal((await post('/posts', { user_id: 2147483647, content: 'x' })).status, 404);
    const page = await (await fetch(`${base}/users?after=${user.id - 1}&limit=1`)).json() as { items: { id: number }[] };
    assert.equal(page.items[0]!.id, user.id);
    assert.equal(await sql(`SELECT name FROM users WHERE id = ${user.id}`), 'through the Service');
  });

  it('Prometheus finds every API pod by kubernetes_sd and scrapes it; the creation counters equal the rows', async () => {
    const prom = await serviceUrl('wiki-prometheus');
    const query = async (q: string) => ((await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as Yaml).data.result as Yaml[];
    const names = (await apiPods()).map((p) => p.metadata.name).sort();
    const ups = await waitFor(async () => {
      const r = await query('up{job="wiki-api"}');
      return r.length === names.length && r.every((s) => s.value[1] === '1') && r;
    }, { timeoutMs: 90_000, intervalMs: 1000, what: 'up = 1 for each API pod' });
    assert.deepEqual(ups.map((s) => s.metric.pod).sort(), names);
    const [users, posts] = [await sql('SELECT count(*) FROM users'), await sql('SELECT count(*) FROM posts')];
    await waitFor(async () => {
      const [u] = await query('sum(users_created_total)');
      const [p] = await query('sum(posts_created_total)');
      return u?.value[1] === users && p?.value[1] === posts;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: `the counters at ${users} users and ${posts} posts` });
  });

  it('wiki status, logs, backup and restore through the real pods', async () => {
    const status = await wiki(['status']);
    assert.match(status.stdout, /^ {2}wiki-postgresql-0 +1\/1 +ready +0 restarts {2}Running$/m, status.stdout);
    assert.equal(status.stdout.match(/^ {2}wiki-api-\S+ +1\/1 +ready/gm)?.length, 2, status.stdout);
    const logs = await wiki(['logs', 'api']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^\[pod\/wiki-api-[^/]+\/api\] \{.*"route":"\/users"/m, 'the API\'s own access lines');

    const before = await sql('SELECT count(*) FROM users');
    const backup = await wiki(['backup']);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stderr, new RegExp(`^wiki backup: ${before} users, \\d+ posts from wiki-postgresql-0\\n$`));
    await sql('INSERT INTO users (name) VALUES (\'not in the backup\')');
    const restore = await wiki(['restore', '--force'], backup.stdout);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(await sql('SELECT count(*) FROM users'), before);
    assert.equal(await sql('SELECT count(*) FROM users WHERE name = \'not in the backup\''), '0');
  });

  it('an API pod deleted under write load is replaced, and every acknowledged write is in the database', async () => {
    const load = startLoad(await serviceUrl('wiki-api'), { prefix: 'delete' });
    await waitFor(async () => load.result.acknowledged.length >= 20 || undefined, { timeoutMs: 30_000, what: 'load running' });
    const [victim] = await apiPods();
    await cp.kubectl(['delete', 'pod', victim!.metadata.name, '--namespace', ns, '--wait=true']);
    await waitFor(async () => { const p = await apiPods(); return p.length === 2 && p.every(isReady) || undefined; }, { timeoutMs: 120_000, intervalMs: 500, what: 'two Ready API pods again' });
    const r = await load.stop();
    assert.ok(r.acknowledged.length > 40, `${r.acknowledged.length} writes acknowledged`);
    const found = Number(await sql(`SELECT count(*) FROM users WHERE id IN (${r.acknowledged.join(',')})`));
    assert.equal(found, r.acknowledged.length, 'every acknowledged user is in the database');
    console.log(`# pod deleted under load: ${r.requests} requests, ${r.acknowledged.length} acknowledged, ${r.failed.length} failed (${[...new Set(r.failed)].slice(0, 3).join('; ')})`);
  });

  it('a rolling update to a rebuilt API image under write load fails no request', async () => {
    const load = startLoad(await serviceUrl('wiki-api'), { prefix: 'rollout' });
    await waitFor(async () => load.result.acknowledged.length >= 20 || undefined, { timeoutMs: 30_000, what: 'load running' });
    await bootWith(API_REFS[1]!);
    await waitFor(async () => {
      const p = await apiPods();
      return p.length === 2 && p.every((x) => isReady(x) && x.spec.containers[0].image === API_REFS[1]) || undefined;
    }, { timeoutMs: 180_000, intervalMs: 500, what: 'two Ready API pods on the rebuilt image' });
    const r = await load.stop();
    assert.deepEqual(r.failed, [], `${r.failed.length} of ${r.requests} requests failed during the rollout`);
    const found = Number(await sql(`SELECT count(*) FROM users WHERE id IN (${r.acknowledged.join(',')})`));
    assert.equal(found, r.acknowledged.length);
    console.log(`# rolling update under load: ${r.requests} requests, 0 failed`);
  });

  it('the PostgreSQL pod deleted comes back on the same volume with every row', async () => {
    const claim = await cp.api('GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-wiki-postgresql-0`);
    const rows = `${await sql('SELECT count(*), max(id) FROM users')} ${await sql('SELECT count(*) FROM posts')}`;
    await cp.kubectl(['delete', 'pod', 'wiki-postgresql-0', '--namespace', ns, '--wait=true']);
    await waitFor(async () => { const [p] = await pods('app.kubernetes.io/component=postgresql'); return p && isReady(p) || undefined; }, { timeoutMs: 120_000, intervalMs: 500, what: 'wiki-postgresql-0 Ready again' });
    assert.equal(`${await sql('SELECT count(*), max(id) FROM users')} ${await sql('SELECT count(*) FROM posts')}`, rows);
    const again = await cp.api('GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-wiki-postgresql-0`);
    assert.equal(again.metadata.uid, claim.metadata.uid, 'the same claim');
    // The API reconnects on its own: a write through the Service succeeds.
    await waitFor(async () => (await fetch(`${await serviceUrl('wiki-api')}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"after the restart"}' })).status === 201 || undefined,
      { timeoutMs: 60_000, intervalMs: 1000, what: 'a write after PostgreSQL came back' });
  });
});
