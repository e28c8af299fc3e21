/** The chart, rendered and linted by the real Helm 4, validated against the Kubernetes schemas and read for meaning. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { readPins } from '../../bootstrap/config/pins.ts';
import { KEPT_ON_UNINSTALL } from '../../bootstrap/cluster/release-recovery.ts';
import { budget, byKind, bytes, CHART, find, helm, render, renderAppliance, workloads, type K8sObject, type Yaml } from '../support/helm.ts';
import { requireTool } from '../support/tools.ts';

const CI_VALUES = readdirSync(`${CHART}/ci`).filter((f) => f.endsWith('.yaml')).sort();
const valueSets: [string, string[]][] = [['defaults', []], ...CI_VALUES.map((f): [string, string[]] => [f, ['-f', `${CHART}/ci/${f}`]])];
const EXISTING_SECRETS: Record<string, string[]> = {
  'existing-secrets-values.yaml': ['wiki-db-credentials', 'wiki-grafana-admin'],
  'external-database-values.yaml': ['wiki-external-db'],
};
const HEALTH_PATHS = new Set(['/healthz/live', '/healthz/ready']);
const pins = readPins();

async function validateSchema(o: K8sObject) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
  const mod = await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`);
  const Model = mod[o.kind] ?? mod.default;
  new Model(o).validate();
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('helm lint and render', () => {
  before((t) => { requireTool(t as never, 'helm'); });

  it('helm lint --strict passes with the defaults and every ci/ value set', (t) => {
    if (!requireTool(t, 'helm')) return;
    for (const [name, args] of valueSets) {
      const r = helm(['lint', '--strict', CHART, ...args]);
      assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  for (const [name, args] of valueSets) {
    it(`${name}: every object passes the Kubernetes schema and the cross-references resolve`, async (t) => {
      if (!requireTool(t, 'helm')) return;
      const objs = render(args);
      assert.ok(objs.length >= 20, `${objs.length} objects`);
      for (const o of objs) await validateSchema(o).catch((e) => assert.fail(`${o.kind}/${o.metadata.name}: ${e.message}`));
      const names = new Set(objs.map((o) => `${o.kind}/${o.metadata.name}`));
      assert.equal(names.size, objs.length, 'no two objects share a kind and name');

      for (const { obj, pod } of workloads(objs)) {
        const where = `${obj.kind}/${obj.metadata.name}`;
        assert.ok(matches(obj.spec.selector.matchLabels, pod.metadata.labels), `${where}: selector matches its pod labels`);
        assert.ok(!('app.kubernetes.io/version' in obj.spec.selector.matchLabels) && !('helm.sh/chart' in obj.spec.selector.matchLabels), `${where}: immutable selector free of version labels`);
        const spec = pod.spec;
        assert.equal(spec.securityContext?.runAsNonRoot, true, `${where}: non-root`);
        for (const c of spec.containers) {
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}/${c.name}: read-only root`);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}/${c.name}: no capabilities`);
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
          assert.ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${where}/${c.name}: limits`);
          assert.match(c.image, /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9._\/-]+(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/);
          assert.doesNotMatch(c.image, /:latest$/, `${where}: no latest`);
          assert.ok(/[:@]/.test(c.image.split('/').pop()!), `${where}: ${c.image} is pinned`);
          const portNames = new Set((c.ports ?? []).map((p: Yaml) => p.name));
          for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
            const get = c[probe]?.httpGet;
            if (get) assert.ok(portNames.has(get.port), `${where}/${c.name} ${probe} port ${get.port}`);
          }
          for (const e of c.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef;
            if (!ref) continue;
            if (EXISTING_SECRETS[name]?.includes(ref.name)) continue;
            const secret = find(objs, 'Secret', ref.name);
            assert.ok(ref.key in (secret.data ?? secret.stringData ?? {}), `${where}: secret ${ref.name} has key ${ref.key}`);
          }
          for (const f of c.envFrom ?? []) if (f.configMapRef) find(objs, 'ConfigMap', f.configMapRef.name);
          const volumes = new Set((spec.volumes ?? []).map((v: Yaml) => v.name).concat((obj.spec.volumeClaimTemplates ?? []).map((v: Yaml) => v.metadata.name)));
          for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `${where}: volume ${m.name}`);
        }
        for (const v of spec.volumes ?? []) {
          if (v.configMap) find(objs, 'ConfigMap', v.configMap.name);
          if (v.persistentVolumeClaim) find(objs, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
        }
        if (spec.serviceAccountName) find(objs, 'ServiceAccount', spec.serviceAccountName);
      }

      for (const svc of byKind(objs, 'Service')) {
        const targets = workloads(objs).filter((w) => matches(svc.spec.selector, w.pod.metadata.labels));
        assert.equal(targets.length, 1, `Service/${svc.metadata.name} selects exactly one workload`);
        const ports = targets[0]!.pod.spec.containers.flatMap((c: Yaml) => c.ports ?? []);
        for (const p of svc.spec.ports) assert.ok(ports.some((cp: Yaml) => cp.name === p.targetPort || cp.containerPort === p.targetPort), `Service/${svc.metadata.name} port ${p.targetPort}`);
      }
      for (const np of byKind(objs, 'NetworkPolicy')) {
        assert.ok(workloads(objs).some((w) => matches(np.spec.podSelector.matchLabels, w.pod.metadata.labels)), `NetworkPolicy/${np.metadata.name} selects a workload`);
      }
      for (const pdb of byKind(objs, 'PodDisruptionBudget')) {
        assert.ok(workloads(objs).some((w) => matches(pdb.spec.selector.matchLabels, w.pod.metadata.labels)));
      }
      for (const ing of byKind(objs, 'Ingress')) for (const rule of ing.spec.rules) for (const p of rule.http.paths) {
        const svc = find(objs, 'Service', p.backend.service.name);
        assert.ok(svc.spec.ports.some((sp: Yaml) => sp.name === p.backend.service.port.name));
      }
      for (const rb of byKind(objs, 'RoleBinding')) {
        find(objs, 'Role', rb.roleRef.name);
        for (const s of rb.subjects) find(objs, 'ServiceAccount', s.name);
      }
    });
  }
});

describe('meaning of the default render', () => {
  let objs: K8sObject[];
  before(() => { try { objs = render(); } catch { /* reported by requireTool below */ } });

  it('API: 2 replicas, probes on the contract health paths, rolling update without unavailability, drain', (t) => {
    if (!requireTool(t, 'helm')) return;
    const d = find(objs, 'Deployment', 'wiki-api');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
    const c = d.spec.template.spec.containers[0];
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.ok(HEALTH_PATHS.has(c[p].httpGet.path), p);
    assert.equal(c.readinessProbe.httpGet.path, '/healthz/ready');
    assert.equal(c.livenessProbe.httpGet.path, '/healthz/live');
    assert.deepEqual(c.lifecycle.preStop.exec.command, ['sleep', '5']);
    const cm = find(objs, 'ConfigMap', 'wiki-api');
    assert.equal(Number(cm.data.SHUTDOWN_TIMEOUT_MS), (30 - 5 - 3) * 1000, 'drain fits the grace period');
    assert.equal(cm.data.DB_HOST, 'wiki-postgresql');
    assert.ok(!JSON.stringify(cm.data).match(/password/i), 'no password in the ConfigMap');
    assert.equal(c.env.find((e: Yaml) => e.name === 'DB_PASSWORD').valueFrom.secretKeyRef.name, 'wiki-postgresql');
    assert.equal(c.image, pins.API_IMAGE.replace(/^docker\.io\//, ''));
    assert.equal(find(objs, 'PodDisruptionBudget', 'wiki-api').spec.maxUnavailable, 1);
  });

  it('API pods spread across nodes by hostname, never left Pending for it; the rule can be turned off', (t) => {
    if (!requireTool(t, 'helm')) return;
    const d = find(objs, 'Deployment', 'wiki-api');
    assert.deepEqual(d.spec.template.spec.topologySpreadConstraints, [{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: d.spec.selector.matchLabels }, matchLabelKeys: ['pod-template-hash'],
    }]);
    const off = find(render(['--set', 'fastapi.spreadAcrossNodes.enabled=false']), 'Deployment', 'wiki-api');
    assert.equal(off.spec.template.spec.topologySpreadConstraints, undefined);
  });

  it('PostgreSQL: pinned official image, data at /var/lib/postgresql (v18 layout), pg_isready on 127.0.0.1, generated secret kept', (t) => {
    if (!requireTool(t, 'helm')) return;
    const s = find(objs, 'StatefulSet', 'wiki-postgresql');
    const c = s.spec.template.spec.containers[0];
    assert.equal(c.image, pins.POSTGRES_IMAGE);
    const data = c.volumeMounts.find((m: Yaml) => m.name === 'data');
    assert.equal(data.mountPath, '/var/lib/postgresql');
    assert.ok(!c.volumeMounts.some((m: Yaml) => m.mountPath === '/var/lib/postgresql/data'));
    assert.deepEqual(c.readinessProbe.exec.command.slice(0, 3), ['pg_isready', '-h', '127.0.0.1']);
    assert.equal(s.spec.serviceName, 'wiki-postgresql-headless');
    assert.equal(find(objs, 'Service', 'wiki-postgresql-headless').spec.clusterIP, 'None');
    assert.equal(s.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '1536Mi');
    const secret = find(objs, 'Secret', 'wiki-postgresql');
    assert.equal(secret.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.equal(Buffer.from(secret.data.password, 'base64').toString().length, 32);
    const again = find(render(), 'Secret', 'wiki-postgresql');
    assert.notEqual(again.data.password, secret.data.password, 'without a cluster, each render generates anew (lookup keeps it on a real upgrade)');
    const fixed = find(render(['--set', 'postgresql.auth.password=s3cret']), 'Secret', 'wiki-postgresql');
    assert.equal(Buffer.from(fixed.data.password, 'base64').toString(), 's3cret');
  });

  it('PostgreSQL roles: the superuser is postgres with its own password; the API user is created by the init script', (t) => {
    if (!requireTool(t, 'helm')) return;
    const s = find(objs, 'StatefulSet', 'wiki-postgresql');
    const c = s.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: Yaml) => [e.name, e.value ?? e.valueFrom]));
    assert.equal(env.POSTGRES_USER, 'postgres');
    assert.equal(env.POSTGRES_DB, undefined, 'the image then creates only its own postgres database');
    assert.deepEqual(env.POSTGRES_PASSWORD, { secretKeyRef: { name: 'wiki-postgresql', key: 'postgres-password' } });
    assert.equal(env.WIKI_DB_USER, 'wiki');
    assert.equal(env.WIKI_DB_NAME, 'wiki');
    assert.deepEqual(env.WIKI_DB_PASSWORD, { secretKeyRef: { name: 'wiki-postgresql', key: 'password' } });
    const api = find(objs, 'ConfigMap', 'wiki-api').data;
    assert.equal(api.DB_USER, 'wiki');
    assert.notEqual(api.DB_USER, env.POSTGRES_USER, 'the API does not connect as the superuser');
    const apiPassword = find(objs, 'Deployment', 'wiki-api').spec.template.spec.containers[0].env.find((e: Yaml) => e.name === 'DB_PASSWORD');
    assert.deepEqual(apiPassword.valueFrom.secretKeyRef, { name: 'wiki-postgresql', key: 'password' }, 'the API never gets the superuser password');
    const secret = find(objs, 'Secret', 'wiki-postgresql');
    const pw = (k: string) => Buffer.from(secret.data[k], 'base64').toString();
    assert.equal(pw('postgres-password').length, 32);
    assert.notEqual(pw('postgres-password'), pw('password'));
    const mount = c.volumeMounts.find((m: Yaml) => m.mountPath === '/docker-entrypoint-initdb.d');
    const vol = s.spec.template.spec.volumes.find((v: Yaml) => v.name === mount.name);
    assert.equal(vol.configMap.name, 'wiki-postgresql-initdb');
    assert.equal(vol.configMap.defaultMode, 0o555, 'executable, so the entrypoint runs it in its own bash');
    const script = find(objs, 'ConfigMap', 'wiki-postgresql-initdb').data['10-api-role.sh'];
    assert.match(script, /^#!\/usr\/bin\/env bash\n/);
    assert.match(script, /NOSUPERUSER NOCREATEDB NOCREATEROLE/);
    const given = find(render(['--set', 'postgresql.auth.adminPassword=r00t', '--set', 'postgresql.auth.password=app']), 'Secret', 'wiki-postgresql');
    assert.equal(Buffer.from(given.data['postgres-password'], 'base64').toString(), 'r00t');
  });

  it('Prometheus: pinned, namespaced pod discovery of API pods only, retention by time and size, PVC', (t) => {
    if (!requireTool(t, 'helm')) return;
    const d = find(objs, 'Deployment', 'wiki-prometheus');
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.image, pins.PROMETHEUS_IMAGE);
    assert.ok(c.args.includes('--storage.tsdb.retention.time=7d'));
    assert.ok(c.args.includes('--storage.tsdb.retention.size=512MB'));
    assert.equal(find(objs, 'PersistentVolumeClaim', 'wiki-prometheus').spec.resources.requests.storage, '768Mi', 'retention size fits the volume');
    assert.equal(d.spec.strategy.type, 'Recreate');
    assert.deepEqual(c.readinessProbe.exec.command.slice(-1), ['http://127.0.0.1:9090/-/ready'], 'probed from inside: the policy admits only Grafana');
    const role = find(objs, 'Role', 'wiki-prometheus');
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    assert.equal(byKind(objs, 'ClusterRole').length, 0);
    const cfg = find(objs, 'ConfigMap', 'wiki-prometheus').data['prometheus.yml'];
    assert.match(cfg, /label: "app\.kubernetes\.io\/instance=wiki,app\.kubernetes\.io\/component=api"/);
    assert.match(cfg, /own_namespace: true/);
  });

  it('Grafana: under /grafana/ without rewrites, admin from a Secret, anonymous viewers, fixed datasource uid, dashboards from files', (t) => {
    if (!requireTool(t, 'helm')) return;
    const d = find(objs, 'Deployment', 'wiki-grafana');
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.image, pins.GRAFANA_IMAGE);
    const env = Object.fromEntries(c.env.map((e: Yaml) => [e.name, e.value ?? e.valueFrom]));
    assert.match(env.GF_SERVER_ROOT_URL, /\/grafana\/$/);
    assert.equal(env.GF_SERVER_SERVE_FROM_SUB_PATH, 'true');
    assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'true');
    assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
    assert.equal(env.GF_LOG_MODE, 'console', 'no log files on the read-only root');
    assert.equal(env.GF_PLUGINS_PREINSTALL_DISABLED, 'true',
      'load-bearing: without it 13.2 auto-updates bundled plugins at start, fails on the read-only root and leaves the Prometheus datasource unregistered');
    assert.equal(env.GF_PLUGINS_PREINSTALL_AUTO_UPDATE, 'false');
    assert.equal(c.securityContext.readOnlyRootFilesystem, true, 'the condition that makes the two lines above necessary');
    assert.ok(c.volumeMounts.some((m: Yaml) => m.mountPath === '/tmp'), 'writable /tmp');
    assert.deepEqual(env.GF_SECURITY_ADMIN_PASSWORD, { secretKeyRef: { name: 'wiki-grafana', key: 'admin-password' } });
    assert.equal(c.readinessProbe.httpGet.path, '/grafana/api/health');
    const secret = find(objs, 'Secret', 'wiki-grafana');
    assert.equal(env.GF_SERVER_ROOT_URL, '%(protocol)s://%(domain)s/grafana/', 'no :3000 port in links on a real cluster');
    assert.equal(Buffer.from(secret.data['admin-user'], 'base64').toString(), 'admin');
    assert.equal(Buffer.from(secret.data['admin-password'], 'base64').toString(), 'admin');
    const prov = find(objs, 'ConfigMap', 'wiki-grafana-provisioning').data;
    assert.match(prov['datasources.yaml'], /uid: wiki-prometheus/);
    assert.match(prov['datasources.yaml'], /url: http:\/\/wiki-prometheus:9090/);
    const dashboards = find(objs, 'ConfigMap', 'wiki-grafana-dashboards').data;
    assert.deepEqual(Object.keys(dashboards).sort(), ['api-http.json', 'creation.json']);
    assert.equal(JSON.parse(dashboards['creation.json']).uid, 'creation-dashboard-678');
  });

  it('Grafana 13.2: memory for its plugin processes, a startupProbe before any liveness kill, state on a PVC', (t) => {
    if (!requireTool(t, 'helm')) return;
    const d = find(objs, 'Deployment', 'wiki-grafana');
    const c = d.spec.template.spec.containers[0];
    assert.ok(bytes(c.resources.limits.memory) >= 768 * 2 ** 20, `limit ${c.resources.limits.memory}: users report OOM kills at 400 Mi and idle use near 330 Mi`);
    const s = c.startupProbe;
    assert.equal(s.httpGet.path, '/grafana/api/health');
    assert.ok(s.periodSeconds * s.failureThreshold >= 300, 'five minutes for first-start migrations');
    assert.equal(c.livenessProbe.initialDelaySeconds, undefined, 'liveness starts only once the startup probe passed');
    const storage = d.spec.template.spec.volumes.find((v: Yaml) => v.name === c.volumeMounts.find((m: Yaml) => m.mountPath === '/var/lib/grafana').name);
    assert.equal(storage.persistentVolumeClaim.claimName, 'wiki-grafana');
    assert.equal(find(objs, 'PersistentVolumeClaim', 'wiki-grafana').spec.resources.requests.storage, '256Mi');
    assert.equal(d.spec.strategy.type, 'Recreate', 'one pod at a time on the ReadWriteOnce volume');
    const env = Object.fromEntries(c.env.map((e: Yaml) => [e.name, e.value]));
    const disabled = env.GF_PLUGINS_DISABLE_PLUGINS.split(',');
    assert.ok(disabled.length >= 13 && disabled.includes('loki') && disabled.includes('grafana-postgresql-datasource'));
    const types = [...find(objs, 'ConfigMap', 'wiki-grafana-provisioning').data['datasources.yaml'].matchAll(/type: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(types, ['prometheus']);
    for (const type of types) assert.ok(!disabled.includes(type), `the provisioned ${type} datasource stays enabled`);
  });

  it('Grafana rootUrl: derived from ingress.host (https with TLS), verbatim when given', (t) => {
    if (!requireTool(t, 'helm')) return;
    const root = (args: string[]) => find(render(args), 'Deployment', 'wiki-grafana').spec.template.spec.containers[0].env.find((e: Yaml) => e.name === 'GF_SERVER_ROOT_URL').value;
    assert.equal(root(['--set', 'ingress.host=wiki.example.com']), 'http://wiki.example.com/grafana/');
    assert.equal(root(['--set', 'ingress.host=wiki.example.com', '--set', 'ingress.tls[0].hosts[0]=wiki.example.com', '--set', 'ingress.tls[0].secretName=wiki-tls']), 'https://wiki.example.com/grafana/');
    assert.equal(root(['--set', 'grafana.rootUrl=http://localhost:8080/grafana/']), 'http://localhost:8080/grafana/');
  });

  it('what an uninstall keeps is what the appliance\'s recovery says it keeps: every PVC and the PostgreSQL Secret', (t) => {
    if (!requireTool(t, 'helm')) return;
    const rendered = renderAppliance();
    const kept = rendered.filter((o) => o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep').map((o) => `${o.kind}/${o.metadata.name}`);
    // A StatefulSet's claims are made by its controller, not Helm: an uninstall never deletes them.
    const claims = byKind(rendered, 'StatefulSet').flatMap((s) => s.spec.volumeClaimTemplates.map((c: Yaml) => `PersistentVolumeClaim/${c.metadata.name}-${s.metadata.name}-0`));
    assert.deepEqual([...kept, ...claims].sort(), [...KEPT_ON_UNINSTALL].sort());
    for (const pvc of byKind(rendered, 'PersistentVolumeClaim')) assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep', pvc.metadata.name);
  });

  it('Grafana behind any host and port: served from /grafana/ for every Host, the appliance\'s root URL on WIKI_HOST_PORT', (t) => {
    if (!requireTool(t, 'helm')) return;
    const env = (objs: K8sObject[]) => Object.fromEntries(find(objs, 'Deployment', 'wiki-grafana').spec.template.spec.containers[0].env.map((e: Yaml) => [e.name, e.value]));
    for (const port of ['8080', '9090']) {
      const e = env(renderAppliance({ WIKI_HOST_PORT: port }));
      // Redirects use root_url's path (AppSubURL); its host only reaches absolute links, so it names the port users publish.
      assert.equal(e.GF_SERVER_ROOT_URL, `http://localhost:${port}/grafana/`);
      assert.equal(e.GF_SERVER_SERVE_FROM_SUB_PATH, 'true');
      assert.equal(e.GF_SERVER_ENFORCE_DOMAIN, 'false', 'enforce_domain would 301 every other Host to localhost');
    }
    assert.equal(new URL(env(objs).GF_SERVER_ROOT_URL.replace('%(protocol)s', 'http').replace('%(domain)s', 'localhost')).pathname, '/grafana/');
  });

  it('one Ingress, no host, /grafana → Grafana and / → API, Prefix, no rewrite', (t) => {
    if (!requireTool(t, 'helm')) return;
    const [ing, ...rest] = byKind(objs, 'Ingress');
    assert.equal(rest.length, 0);
    assert.equal(ing!.spec.ingressClassName, 'traefik');
    assert.equal(ing!.spec.rules.length, 1);
    assert.equal(ing!.spec.rules[0].host, undefined);
    assert.deepEqual(ing!.spec.rules[0].http.paths.map((p: Yaml) => [p.path, p.pathType, p.backend.service.name]),
      [['/grafana', 'Prefix', 'wiki-grafana'], ['/', 'Prefix', 'wiki-api']]);
    assert.doesNotMatch(JSON.stringify(ing!.metadata.annotations ?? {}), /rewrite|strip/i);
  });

  it('NetworkPolicies: only the API reaches PostgreSQL, only Grafana queries Prometheus', (t) => {
    if (!requireTool(t, 'helm')) return;
    const pg = find(objs, 'NetworkPolicy', 'wiki-postgresql');
    assert.deepEqual(pg.spec.ingress, [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'wiki', 'app.kubernetes.io/instance': 'wiki', 'app.kubernetes.io/component': 'api' } } }], ports: [{ port: 'postgresql', protocol: 'TCP' }] }]);
    const prom = find(objs, 'NetworkPolicy', 'wiki-prometheus');
    assert.equal(prom.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'], 'grafana');
    for (const w of workloads(objs)) {
      assert.ok(byKind(objs, 'NetworkPolicy').some((np) => matches(np.spec.podSelector.matchLabels, w.pod.metadata.labels)), `${w.obj.metadata.name} is covered by a policy`);
    }
  });

  it('budget: container limits ≤ 2 CPU and 4 GiB, PVCs ≤ 5 GiB with room for images', (t) => {
    if (!requireTool(t, 'helm')) return;
    const b = budget(objs);
    assert.ok(b.cpu <= 2, `cpu ${b.cpu}`);
    assert.ok(b.memory <= 4 * 2 ** 30, `memory ${b.memory / 2 ** 20} MiB`);
    assert.deepEqual(b.claims.map((c) => c.name).sort(), ['wiki-grafana', 'wiki-postgresql/data', 'wiki-prometheus'], 'Grafana\'s PVC is counted');
    assert.ok(b.storage <= 2.5 * 2 ** 30, `storage ${b.storage / 2 ** 30} GiB leaves ≥ 2.3 GB for the bundled images within 5 GB`);
    assert.equal(b.rows.length, 4);
  });

  it('helm test hooks exercise the API and Grafana through their Services', (t) => {
    if (!requireTool(t, 'helm')) return;
    const pods = byKind(objs, 'Pod');
    assert.deepEqual(pods.map((p) => p.metadata.annotations?.['helm.sh/hook']), ['test', 'test']);
    for (const p of pods) assert.equal(p.metadata.annotations?.['helm.sh/hook-delete-policy'], 'before-hook-creation,hook-succeeded');
    const script = pods.map((p) => p.spec.containers[0].args[0]).join('\n');
    assert.match(script, /\/users/);
    assert.match(script, /creation-dashboard-678/);
    assert.deepEqual(pods.map((p) => p.spec.containers[0].env[0].value).sort(), ['http://wiki-api', 'http://wiki-grafana/grafana']);
  });
});

describe('value sets', () => {
  it('a full image reference is rendered exactly; a bare name gets the tag and registry prefix', (t) => {
    if (!requireTool(t, 'helm')) return;
    const image = (args: string[]) => find(render(args), 'Deployment', 'wiki-api').spec.template.spec.containers[0].image;
    assert.equal(image(['--set', 'fastapi.image_name=registry.example/wiki/api:1.2.3']), 'registry.example/wiki/api:1.2.3');
    assert.equal(image(['--set', 'fastapi.image_name=registry.example:5000/wiki/api@sha256:' + 'a'.repeat(64)]), `registry.example:5000/wiki/api@sha256:${'a'.repeat(64)}`);
    assert.equal(image(['--set', 'fastapi.image_name=wiki/api', '--set', 'fastapi.image_tag=2.0.0']), 'wiki/api:2.0.0');
    assert.equal(image(['--set', 'global.imageRegistry=mirror.local', '--set', 'fastapi.image_name=wiki/api']), 'mirror.local/wiki/api:0.1.0');
    const objs = render(['--set', 'global.imageRegistry=mirror.local']);
    assert.equal(find(objs, 'StatefulSet', 'wiki-postgresql').spec.template.spec.containers[0].image, 'mirror.local/library/postgres:18.6-trixie');
  });

  it('3 replicas, other storage and ingress class, existing secrets, HPA, external database', (t) => {
    if (!requireTool(t, 'helm')) return;
    assert.equal(find(render(['-f', `${CHART}/ci/three-replicas-values.yaml`]), 'Deployment', 'wiki-api').spec.replicas, 3);
    const sc = render(['-f', `${CHART}/ci/storage-ingress-class-values.yaml`]);
    assert.equal(find(sc, 'StatefulSet', 'wiki-postgresql').spec.volumeClaimTemplates[0].spec.storageClassName, 'fast-ssd');
    assert.equal(find(sc, 'PersistentVolumeClaim', 'wiki-prometheus').spec.storageClassName, 'fast-ssd');
    assert.equal(find(sc, 'Ingress', 'wiki').spec.ingressClassName, 'nginx');
    assert.equal(find(sc, 'Ingress', 'wiki').spec.rules[0].host, 'wiki.example.com');
    const ex = render(['-f', `${CHART}/ci/existing-secrets-values.yaml`]);
    assert.equal(byKind(ex, 'Secret').length, 0, 'no Secret is generated when existing ones are named');
    const pgEnv = find(ex, 'StatefulSet', 'wiki-postgresql').spec.template.spec.containers[0].env;
    assert.deepEqual(pgEnv.find((e: Yaml) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef, { name: 'wiki-db-credentials', key: 'postgres-password' });
    assert.deepEqual(pgEnv.find((e: Yaml) => e.name === 'WIKI_DB_PASSWORD').valueFrom.secretKeyRef, { name: 'wiki-db-credentials', key: 'db-password' });
    const apiEnv = find(ex, 'Deployment', 'wiki-api').spec.template.spec.containers[0].env;
    assert.deepEqual(apiEnv.find((e: Yaml) => e.name === 'DB_PASSWORD').valueFrom.secretKeyRef, { name: 'wiki-db-credentials', key: 'db-password' });
    const hpa = render(['-f', `${CHART}/ci/hpa-values.yaml`]);
    assert.equal(find(hpa, 'HorizontalPodAutoscaler', 'wiki-api').spec.maxReplicas, 4);
    assert.equal(find(hpa, 'Deployment', 'wiki-api').spec.replicas, undefined, 'the HPA owns replicas');
    const ext = render(['-f', `${CHART}/ci/external-database-values.yaml`]);
    assert.equal(byKind(ext, 'StatefulSet').length, 0);
    assert.ok(!ext.some((o) => o.metadata.name === 'wiki-postgresql-initdb'), 'no init script without the in-cluster PostgreSQL');
    assert.equal(find(ext, 'ConfigMap', 'wiki-api').data.DB_HOST, 'db.example.internal');
    assert.equal(find(ext, 'ConfigMap', 'wiki-api').data.DB_USER, 'wiki_app');
    const r = helm(['template', 'wiki', CHART, '--set', 'postgresql.enabled=false']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /externalDatabase\.host is required/);
  });

  for (const [label, set, expect] of [
    ['replicas 0', 'fastapi.replicas=0', /fastapi\.replicas|replicas/],
    ['a latest tag', 'postgresql.image.tag=latest', /postgresql.*image.*tag|tag/],
    ['a bad pull policy', 'fastapi.pullPolicy=Sometimes', /pullPolicy/],
    ['an unknown key', 'fastapi.replicaz=2', /replicaz|additional properties/i],
    ['a root URL outside /grafana/', 'grafana.rootUrl=http://x/', /rootUrl/],
    ['the superuser as the API user', 'postgresql.auth.username=postgres', /username/],
    ['a malformed size', 'postgresql.primary.persistence.size=lots', /size/],
    ['a latest API image', 'fastapi.image_name=wiki/api:latest', /image_name/],
    ['a non-boolean toggle', 'networkPolicy.enabled=maybe', /networkPolicy/],
  ] as const) {
    it(`values.schema.json rejects ${label} with a message naming it`, (t) => {
      if (!requireTool(t, 'helm')) return;
      const r = helm(['template', 'wiki', CHART, '--set', set]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /values don't meet the specifications of the schema|schema/i);
      assert.match(r.stderr, expect);
    });
  }
});
