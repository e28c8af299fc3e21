#!/usr/bin/env node
// Faithful fakes of docker, dockerd, k3d, kubectl, helm and update-alternatives for the bootstrap
// tests: each call is recorded in $FAKE_STATE/calls.jsonl; state (daemon up, images loaded, cluster
// present and running, helm revisions) lives in $FAKE_STATE so calls see each other's effects;
// outputs and error texts follow the real tools. $FAKE_FAIL / $FAKE_HANG hold JSON arrays of
// "tool arg arg" prefixes that fail (exit 1, the real tool's kind of message) or hang until killed.
// `helm upgrade`, `rollback` and `uninstall` record their pending state (pending-install/-upgrade,
// pending-rollback, uninstalling) before they hang or fail, as Helm 4 saves it before it acts and
// waits, so a boot killed inside one leaves what a real one leaves. Where each replayed text comes from:
//   helm:    helm/helm v4.3.0 pkg/action/action.go errPending, pkg/cmd/upgrade.go ("UPGRADE FAILED: %w",
//            "Release %q does not exist. Installing it now."), pkg/cmd/history.go releaseInfo (history
//            JSON), pkg/release/common/status.go (statuses), pkg/action/install.go / upgrade.go
//            (descriptions), pkg/storage/driver/driver.go ("release: not found"), pkg/cmd/uninstall.go,
//            pkg/cmd/rollback.go; errors printed by cobra as "Error: <msg>".
//   kubectl: `get pods -o json` is a v1 List; `logs --prefix` lines are "[pod/<pod>/<container>] ...";
//            `wait` on no object: "error: no matching resources found".
//   k3d:     k3d-io/k3d v5.9.0 (cluster list JSON fields, log lines).
//   kubectl: `get deployments/replicasets -o json` follow the API image of each deployed helm
//            revision as the Deployment controller does (one ReplicaSet per pod template, the old
//            ones scaled to 0, an RS's `readyReplicas` omitted at 0).
// `kubectl exec` runs the command after `--` here with exactly $FAKE_POD_EXEC_ENV, the environment the
// container would have (test/support/postgres-pod.ts builds it from the rendered chart and the image's
// ENV), so backup and restore go through real pg_dump and psql; the fake adds no variable of its own.
// `kubectl logs` of the API replays $FAKE_API_LOG (a real API process's stdout) when it is set.
// The appliance containers as scripts/e2e.ts sees them from the host ($FAKE_STATE/appliances.json): see
// applianceDocker below.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const tool = basename(process.argv[1]);
const args = process.argv.slice(2);
const state = process.env.FAKE_STATE;
if (!state) { console.error('FAKE_STATE not set'); process.exit(99); }
const line = `${tool} ${args.join(' ')}`;
appendFileSync(join(state, 'calls.jsonl'), `${JSON.stringify({ tool, args, env: { DOCKER_HOST: process.env.DOCKER_HOST, KUBECONFIG: process.env.KUBECONFIG } })}\n`);

const matches = (name) => JSON.parse(process.env[name] ?? '[]').some((p) => line.startsWith(p));
const file = (n) => join(state, n);
const readJson = (n, d) => (existsSync(file(n)) ? JSON.parse(readFileSync(file(n), 'utf8')) : d);
// Atomic (write, then rename): a fake killed mid-call leaves the old state or the new, never half.
const writeJson = (n, v) => { writeFileSync(file(`${n}.tmp`), JSON.stringify(v)); renameSync(file(`${n}.tmp`), file(n)); };
const out = (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const fail = (msg, code = 1) => { process.stderr.write(`${msg}\n`); process.exit(code); };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const daemonUp = () => existsSync(file('dockerd.pid')) && alive(Number(readFileSync(file('dockerd.pid'), 'utf8')));

function interrupt() {
  if (matches('FAKE_HANG')) { setInterval(() => {}, 1 << 30); process.on('SIGTERM', () => process.exit(143)); return true; }
  if (matches('FAKE_FAIL')) {
    fail({
      docker: 'Error response from daemon: failed to load image: unexpected EOF',
      k3d: 'FATA[0012] Failed Cluster Creation: Failed to create cluster \'wiki\': Failed to start server k3d-wiki-server-0: Node k3d-wiki-server-0 failed to get ready: error waiting for log line `k3s is up and running` from node \'k3d-wiki-server-0\': stopped returning log lines: node k3d-wiki-server-0 is running=true in status=restarting',
      helm: 'Error: UPGRADE FAILED: context deadline exceeded',
      kubectl: 'error: timed out waiting for the condition on nodes/k3d-wiki-server-0',
      dockerd: 'failed to start daemon: error initializing graphdriver: driver not supported: overlay2',
      'update-alternatives': 'update-alternatives: error: alternative /usr/sbin/iptables-nft for iptables not registered; not setting',
    }[tool] ?? `${tool}: failed`);
  }
  return false;
}

// helm interrupts itself after recording its pending state.
if (tool === 'helm' && ['upgrade', 'rollback', 'uninstall'].includes(args[0])) run();
else if (!interrupt()) run();

function run() {
  const cluster = readJson('cluster.json', null);
  switch (tool) {
    case 'update-alternatives':
      return out(`update-alternatives: using ${args[2]} to provide /usr/sbin/${args[1]} (${args[1]}) in manual mode`);
    case 'dockerd': {
      const pidfile = args.find((a) => a.startsWith('--pidfile='))?.slice(10);
      writeFileSync(file('dockerd.pid'), String(process.pid));
      if (pidfile) writeFileSync(pidfile, String(process.pid));
      out('time="2026-11-21T10:00:00Z" level=info msg="Starting up"');
      out('time="2026-11-21T10:00:01Z" level=info msg="API listen on /var/run/docker.sock"');
      process.on('SIGTERM', () => {
        out('time="2026-11-21T10:05:00Z" level=info msg="Processing signal \'terminated\'"');
        rmSync(file('dockerd.pid'), { force: true });
        if (pidfile) rmSync(pidfile, { force: true });
        setTimeout(() => process.exit(0), 100);
      });
      setInterval(() => {}, 1 << 30);
      return;
    }
    case 'docker': {
      if (!daemonUp()) fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
      const images = readJson('images.json', []);
      if (existsSync(file('appliances.json'))) return applianceDocker();
      if (args[0] === 'info') return out('overlay2');
      if (args[0] === 'image' && args[1] === 'inspect') {
        const ref = args.at(-1);
        return images.includes(ref) ? out(`sha256:${'0'.repeat(64)}`) : fail(`Error response from daemon: No such image: ${ref}`);
      }
      if (args[0] === 'load') {
        const ref = readFileSync(args[args.indexOf('--input') + 1], 'utf8').trim();
        writeJson('images.json', [...images, ref]);
        return out(`Loaded image: ${ref}`);
      }
      const node = `k3d-${cluster?.name}-server-0`;
      if (args[0] === 'inspect') {
        if (!cluster || args.at(-1) !== node) return fail(`Error: No such object: ${args.at(-1)}`);
        return out(args.includes('{{.Config.Image}}') ? cluster.image : String(cluster.running));
      }
      if (args[0] === 'stop') {
        if (!cluster || args.at(-1) !== node) fail(`Error response from daemon: No such container: ${args.at(-1)}`);
        writeJson('cluster.json', { ...cluster, running: false });
        return out(args.at(-1));
      }
      if (args[0] === 'ps') return out(cluster ? `${node}\t${cluster.running ? 'Up 2 minutes' : 'Exited (0) 1 second ago'}\nk3d-${cluster.name}-tools\tUp 2 minutes` : '');
      if (args[0] === 'logs') return out('time="2026-11-21T10:01:00Z" level=info msg="k3s is up and running"');
      return fail(`docker: '${args[0]}' is not a docker command.`);
    }
    case 'k3d': {
      if (!daemonUp()) fail('FATA[0000] runtime failed to list nodes: docker failed to get containers: Cannot connect to the Docker daemon');
      const sub = args.slice(0, 2).join(' ');
      if (sub === 'cluster list') {
        return out(JSON.stringify(cluster ? [{ name: cluster.name, network: { name: `k3d-${cluster.name}` }, serversCount: 1, serversRunning: cluster.running ? 1 : 0, agentsCount: 0, agentsRunning: 0, hasLoadbalancer: false }] : []));
      }
      if (sub === 'cluster create') {
        const cfg = readFileSync(args[args.indexOf('--config') + 1], 'utf8');
        const name = /^\s+name: (\S+)$/m.exec(cfg)[1];
        if (cluster) fail(`FATA[0000] Failed to create cluster '${name}' because a cluster with that name already exists`);
        const image = /^image: (\S+)$/m.exec(cfg)[1];
        // The kubelet registers the node a few polls after k3d returns (FAKE_NODE_REGISTER_AFTER).
        writeJson('cluster.json', { name, running: true, image, unregisteredPolls: Number(process.env.FAKE_NODE_REGISTER_AFTER ?? 0) });
        out(`INFO[0000] Using config file ${args.at(-1)} (k3d.io/v1alpha5#simple)`);
        out(`INFO[0000] Prep: Network\nINFO[0012] Starting node 'k3d-${name}-server-0'\nINFO[0025] Cluster '${name}' created successfully!`);
        return;
      }
      if (sub === 'cluster start') {
        if (!cluster) fail(`FATA[0000] No nodes found for given cluster`);
        writeJson('cluster.json', { ...cluster, running: true });
        return out(`INFO[0000] Starting cluster '${args[2]}'\nINFO[0008] Started cluster '${args[2]}'`);
      }
      if (sub === 'kubeconfig get') {
        if (!cluster) fail(`FATA[0000] failed to get cluster '${args[2]}': No nodes found`);
        // The cluster is the tests' real control plane (test/support/appliance.ts world({ cluster })): its kubeconfig.
        if (process.env.FAKE_KUBECONFIG) return out(readFileSync(process.env.FAKE_KUBECONFIG, 'utf8'));
        return out(`apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: k3d-${args[2]}\ncontexts:\n- context:\n    cluster: k3d-${args[2]}\n    user: admin@k3d-${args[2]}\n  name: k3d-${args[2]}\ncurrent-context: k3d-${args[2]}\nkind: Config\nusers:\n- name: admin@k3d-${args[2]}\n  user:\n    client-certificate-data: ZmFrZQ==`);
      }
      return fail(`Error: unknown command "${args[0]}" for "k3d"`);
    }
    case 'kubectl': {
      const rest = args[0] === '--kubeconfig' ? args.slice(2) : args; // the bootstrap passes --kubeconfig; in the image KUBECONFIG is set
      const node = `node/k3d-${cluster?.name}-server-0`;
      if (rest[0] === 'get' && rest[1] === 'nodes') {
        if (!cluster) return fail('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
        if (cluster.unregisteredPolls > 0) { writeJson('cluster.json', { ...cluster, unregisteredPolls: cluster.unregisteredPolls - 1 }); return; }
        return out(node);
      }
      if (rest[0] === 'wait') return cluster && !(cluster.unregisteredPolls > 0) ? out(`${node} condition met`) : fail('error: no matching resources found');
      if (rest[0] === 'get' && rest[1] === 'pods' && rest.includes('-A')) return out('NAMESPACE     NAME                         READY   STATUS             RESTARTS   AGE\nwiki          wiki-api-7d9c8-abcde         0/1     CrashLoopBackOff   4          3m\nwiki          wiki-postgresql-0            1/1     Running            0          3m');
      if (rest[0] === 'get' && rest[1] === 'pods' && rest.includes('json')) return out(JSON.stringify(podList(), null, 4));
      if (rest[0] === 'get' && rest[1] === 'pods') return out('wiki-api-7d9c8-abcde');
      if (rest[0] === 'get' && rest[1] === 'events') return out('LAST SEEN   TYPE      REASON    OBJECT                      MESSAGE\n10s         Warning   BackOff   pod/wiki-api-7d9c8-abcde    Back-off restarting failed container api');
      if (rest[0] === 'get' && ['deployments', 'replicasets'].includes(rest[1])) return out(JSON.stringify(apiWorkloads(rest[1]), null, 4));
      if (rest[0] === 'logs' && rest.includes('--prefix')) {
        const component = /app\.kubernetes\.io\/component=(\w+)/.exec(rest[rest.indexOf('--selector') + 1] ?? '')?.[1];
        if (component === 'api' && process.env.FAKE_API_LOG) {
          const lines = readFileSync(process.env.FAKE_API_LOG, 'utf8').split('\n').filter(Boolean).slice(-200);
          return out(lines.map((l) => `[pod/wiki-api-7d9c8-abcde/api] ${l}`).join('\n'));
        }
        return out(podList().items.filter((p) => !component || p.metadata.labels['app.kubernetes.io/component'] === component)
          .map((p) => `[pod/${p.metadata.name}/${p.spec.containers[0].name}] {"level":30,"msg":"${p.metadata.labels['app.kubernetes.io/component']} running"}`).join('\n'));
      }
      if (rest[0] === 'logs') return out('{"level":50,"msg":"database not ready for migrations, retrying"}');
      if (rest[0] === 'exec') return kubectlExec(rest);
      return fail(`error: unknown command "${rest[0]}" for "kubectl"`);
    }
    case 'helm':
      return helm();
    default:
      return fail(`fake-tool: no fake for ${tool}`);
  }
}

/** The release's pods as `kubectl get pods -o json` prints them; FAKE_PODS=unready makes the API crash-loop. */
function podList() {
  const unready = process.env.FAKE_PODS === 'unready';
  const pod = (name, component, container, ready, restarts) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'wiki', labels: { 'app.kubernetes.io/instance': 'wiki', 'app.kubernetes.io/name': 'wiki', 'app.kubernetes.io/component': component } },
    spec: { containers: [{ name: container }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: container, ready, restartCount: restarts, started: ready, image: 'img', imageID: '', containerID: 'containerd://0',
        state: ready ? { running: { startedAt: '2026-11-21T10:02:00Z' } } : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api' } } }],
    },
  });
  return {
    apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
    items: [
      pod('wiki-api-7d9c8-abcde', 'api', 'api', !unready, unready ? 4 : 0),
      pod('wiki-api-7d9c8-fghij', 'api', 'api', true, 0),
      pod('wiki-postgresql-0', 'postgresql', 'postgresql', true, 0),
      pod('wiki-prometheus-5f6b7-klmno', 'prometheus', 'prometheus', true, 0),
      pod('wiki-grafana-6c7d8-pqrst', 'grafana', 'grafana', true, 1),
    ],
  };
}

/** `kubectl exec [--stdin] --namespace N POD --container C -- cmd...`: runs cmd here as the PostgreSQL pod would. */
function kubectlExec(rest) {
  const pod = rest[rest.indexOf('--namespace') + 2];
  if (!podList().items.some((p) => p.metadata.name === pod)) return fail(`Error from server (NotFound): pods "${pod}" not found`);
  const env = process.env.FAKE_POD_EXEC_ENV;
  if (!env) return fail('error: Internal error occurred: error executing command in container: no container behind this fake (set FAKE_POD_EXEC_ENV)');
  const argv = rest.slice(rest.indexOf('--') + 1);
  const r = spawnSync(argv[0], argv.slice(1), {
    input: rest.includes('--stdin') ? readFileSync(0) : undefined,
    env: JSON.parse(env),
    maxBuffer: 1 << 30,
  });
  // No process.exit(): it may drop the tail of a large dump still queued for the pipe.
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  process.exitCode = r.status ?? 1;
}

/** Helm 4 on one release: revisions with statuses in $FAKE_STATE/helm.json, as its Secret storage keeps them. */
function helm() {
  const history = readJson('helm.json', []);
  const save = () => writeJson('helm.json', history);
  const last = history.at(-1);
  switch (args[0]) {
    case 'history': {
      if (!history.length) return fail('Error: release: not found');
      const max = Number(args[args.indexOf('--max') + 1] || 256);
      return out(JSON.stringify(history.slice(-max).map(({ revision, status, description }) => ({ revision, updated: '2026-11-21T10:02:00.000000001Z', status, chart: 'wiki-0.1.0', app_version: '0.1.0', description }))));
    }
    case 'upgrade': {
      const install = !last || last.status === 'uninstalled';
      if (!install && ['pending-install', 'pending-upgrade', 'pending-rollback'].includes(last.status)) return fail('Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress');
      // pkg/action/upgrade.go prepareUpgrade: a last revision neither deployed nor failed/superseded needs a deployed one to start from.
      if (!install && !['deployed', 'failed', 'superseded'].includes(last.status) && !history.some((h) => h.status === 'deployed')) return fail('Error: UPGRADE FAILED: "wiki" has no deployed releases');
      const revision = (last?.revision ?? 0) + 1;
      const values = readFileSync(args[args.indexOf('--values') + 1], 'utf8');
      const apiImage = /image_name: (\S+)/.exec(values)?.[1];
      history.push({ revision, status: install ? 'pending-install' : 'pending-upgrade', description: install ? 'Initial install underway' : 'Preparing upgrade', apiImage });
      save();
      if (install) out('Release "wiki" does not exist. Installing it now.');
      if (matches('FAKE_FAIL')) {
        Object.assign(history.at(-1), { status: 'failed', description: 'Release "wiki" failed: context deadline exceeded' });
        save();
      }
      if (interrupt()) return;
      for (const h of history) if (h.status === 'deployed') Object.assign(h, { status: 'superseded', description: 'superseded by new release' });
      // pkg/action/install.go / upgrade.go: --description replaces "Install complete" / "Upgrade complete".
      const description = args.includes('--description') ? args[args.indexOf('--description') + 1] : install ? 'Install complete' : 'Upgrade complete';
      Object.assign(history.at(-1), { status: 'deployed', description });
      save();
      return out(`NAME: wiki\nLAST DEPLOYED: Sat Nov 21 10:02:00 2026\nNAMESPACE: wiki\nSTATUS: deployed\nREVISION: ${revision}\nDESCRIPTION: ${description}`);
    }
    case 'uninstall': {
      // pkg/action/uninstall.go Run: the last revision saved as uninstalling, then deletion and --wait, then the purge.
      if (!history.length) return fail('Error: uninstall: Release not loaded: wiki: release: not found');
      Object.assign(last, { status: 'uninstalling', description: 'Deletion in progress (or silently failed)' });
      save();
      if (interrupt()) return;
      rmSync(file('helm.json'));
      return out('release "wiki" uninstalled');
    }
    case 'rollback': {
      // pkg/action/rollback.go: the target revision is created pending-rollback ("Rollback to N"), then applied, then the old one superseded.
      const to = history.find((h) => h.revision === Number(args[2]));
      if (!to) return fail(`Error: release has no ${args[2]} version`);
      history.push({ revision: last.revision + 1, status: 'pending-rollback', description: `Rollback to ${to.revision}`, apiImage: to.apiImage });
      save();
      if (interrupt()) return;
      for (const h of history.slice(0, -1)) if (h.status === 'deployed' || h.status.startsWith('pending-')) Object.assign(h, { status: 'superseded', description: 'superseded by new release' });
      history.at(-1).status = 'deployed';
      save();
      return out('Rollback was a success! Happy Helming!');
    }
    default:
      return fail(`Error: unknown command "${args[0]}" for "helm"`);
  }
}


/** The API Deployment and its ReplicaSets as `kubectl get … -o json` lists them, from the deployed helm revisions' API image. */
function apiWorkloads(kind) {
  const deployed = readJson('helm.json', []).filter((h) => h.status === 'deployed' || h.status === 'superseded');
  const images = [...new Set(deployed.map((h) => h.apiImage).filter(Boolean))];
  const current = deployed.filter((h) => h.status === 'deployed').at(-1)?.apiImage;
  const labels = { 'app.kubernetes.io/instance': 'wiki', 'app.kubernetes.io/name': 'wiki', 'app.kubernetes.io/component': 'api' };
  const template = (image) => ({ metadata: { labels }, spec: { containers: [{ name: 'api', image }] } });
  const list = (items) => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
  if (kind === 'deployments') {
    return list(current ? [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wiki-api', namespace: 'wiki', labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: template(current) }, status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 } }] : []);
  }
  return list(images.map((image, i) => {
    const n = image === current ? 2 : 0;
    return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `wiki-api-${(0x7d9c8 + i).toString(16)}`, namespace: 'wiki', labels },
      spec: { replicas: n, selector: { matchLabels: labels }, template: template(image) }, status: n ? { replicas: n, readyReplicas: n, availableReplicas: n } : { replicas: 0 } };
  }));
}

/**
 * Appliance containers as scripts/e2e.ts drives them from the host: run, logs, restart, stop, kill,
 * start, rm, inspect, stats, exec, volume rm. State in $FAKE_STATE/appliances.json ({ containers,
 * volumes, memoryPeak?, diskBytes? }); the world around it in the environment: FAKE_APPLIANCE_IMAGES
 * ({ image: { apiRef, home } }, what `docker build` made) and FAKE_VOLUMES ({ volume: { podEnv,
 * apiLog } }, the PostgreSQL container's exec environment and the API log behind each volume's port). A boot takes FAKE_BOOT_MS and
 * prints the bootstrap's lines (bootstrap/pipeline.ts, log.ts; README "What docker logs shows") as
 * time passes; one passing its release records a helm revision with the image's API in the volume's
 * state ($FAKE_STATE/vol-<volume>), where `docker exec … kubectl` and `wiki` read it. `docker exec`
 * runs `wiki` (the real start-cluster, compiled or from source) and `kubectl` (this fake) as the container would.
 * FAKE_LOSE_ROW=1 drops the last users row on its way into `wiki restore` (a failure to catch).
 */
function applianceDocker() {
  // One call at a time changes the state (scripts/e2e.ts samples docker stats in the background).
  const lockDir = file('appliances.lock');
  const unlock = () => rmSync(lockDir, { recursive: true, force: true });
  for (let i = 0; ; i++) {
    try { mkdirSync(lockDir); break; } catch { if (i > 2000) fail('fake-tool: appliances.lock held for 10s'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); }
  }
  process.on('exit', unlock);
  const apps = readJson('appliances.json', null);
  const BOOT_MS = Number(process.env.FAKE_BOOT_MS ?? 1500);
  const IMAGES = JSON.parse(process.env.FAKE_APPLIANCE_IMAGES ?? '{}');
  const VOLUMES = JSON.parse(process.env.FAKE_VOLUMES ?? '{}');
  const now = Date.now();
  const save = () => writeJson('appliances.json', apps);
  const volDir = (vol) => { const d = join(state, `vol-${vol}`); mkdirSync(join(d, 'wiki'), { recursive: true }); return d; };
  const get = (name) => apps.containers[name] ?? fail(`Error response from daemon: No such container: ${name}`);
  const RELEASE_END = 0.979;
  const bootLines = (c, b, i) => {
    const first = i === 0 && !b.warm;
    const t = (f) => `[+${(f * 76.1).toFixed(1)}s]`;
    return [
      [0, `start: wiki-appliance: k3s v1.35.5+k3s1, k3d v5.9.0, helm v4.3.0, linux/amd64; phases preflight → dockerd → images → cluster → release → verify → serve`],
      // Timed as the README's sample boot: dockerd ends at 1.3 s, images 9.8 s, cluster 31.0 s, release 74.5 s, verify 76.1 s.
      [0.0, 'preflight: starting'], [0.0, 'preflight: privileged, cgroup v2, /var/lib/docker on ext4, 70 GiB free, 13.6 GiB memory available in 0.0s'],
      [0.001, 'dockerd: starting (deadline 60s)'], [0.017, 'dockerd: started (pid 21, storage overlay2, iptables nft) in 1.3s'],
      [0.018, 'images: starting (deadline 300s)'], [0.129, first ? 'images: 2 loaded into dockerd, 0 already present; 5 archives for k3s to import in 8.5s' : 'images: 0 loaded into dockerd, 2 already present; 5 archives for k3s to import in 0.4s'],
      [0.13, 'cluster: starting (deadline 300s)'], [0.407, first ? 'cluster: created; node Ready (registered after 2.1s) in 21.2s' : 'cluster: started; node Ready in 9.4s'],
      [0.408, 'release: starting (deadline 600s)'],
      [RELEASE_END, `release: release wiki deployed (revision ${b.revision ?? '?'}) in namespace wiki, API ${IMAGES[c.image]?.apiRef} in 43.5s`],
      [0.98, 'verify: starting (deadline 300s)'], [1, 'verify: 5 checks through http://127.0.0.1:8080: GET /healthz/ready, GET /metrics, GET /grafana/api/health, dashboard creation-dashboard-678, GET /users?limit=1 in 1.6s'],
      [1, '\n==================================================================\n READY in 76.1s\n   API        http://localhost:8080/users      (docs http://localhost:8080/docs, metrics http://localhost:8080/metrics)\n==================================================================', true],
    ].map(([f, text, raw]) => ({ ms: f * BOOT_MS, text: raw ? text : `${t(f)} ${text}` }));
  };
  const elapsed = (b) => Math.min(now - b.start, b.cut ?? Infinity);
  // Settle: boots that passed their release record a revision; each volume's boot state as the bootstrap writes it.
  for (const c of Object.values(apps.containers)) {
    const b = c.boots.at(-1);
    if (!b) continue;
    const e = elapsed(b);
    const dir = volDir(c.volume);
    if (e >= RELEASE_END * BOOT_MS && b.revision === undefined) {
      const history = existsSync(join(dir, 'helm.json')) ? JSON.parse(readFileSync(join(dir, 'helm.json'), 'utf8')) : [];
      for (const h of history) if (h.status === 'deployed') Object.assign(h, { status: 'superseded', description: 'superseded by new release' });
      b.revision = history.length + 1;
      history.push({ revision: b.revision, status: 'deployed', description: history.length ? 'Upgrade complete' : 'Install complete', apiImage: IMAGES[c.image]?.apiRef });
      writeFileSync(join(dir, 'helm.json.tmp'), JSON.stringify(history));
      renameSync(join(dir, 'helm.json.tmp'), join(dir, 'helm.json'));
    }
    const shown = bootLines(c, b, c.boots.length - 1).filter((l) => l.ms <= e);
    const phase = b.stopped ? 'stopped' : e >= BOOT_MS ? 'READY' : /^\[\+[\d.]+s\] (\w+):/.exec(shown.at(-1)?.text ?? '')?.[1] ?? 'preflight';
    // Written when it changes, atomically: `wiki status` may be reading it (docker stats samples meanwhile).
    const bootState = join(dir, 'wiki', 'boot-state.json');
    // As bootstrap/boot-state.ts recordPhase writes it.
    const record = `${JSON.stringify({ phase: phase === 'start' ? 'preflight' : phase, since: new Date(b.start).toISOString(), apiRef: IMAGES[c.image]?.apiRef })}\n`;
    if (!existsSync(bootState) || readFileSync(bootState, 'utf8') !== record) { writeFileSync(`${bootState}.tmp`, record); renameSync(`${bootState}.tmp`, bootState); }
  }
  save();
  const startBoot = (c) => { c.running = true; c.boots.push({ start: now }); };
  const stopBoot = (c) => {
    const b = c.boots.at(-1);
    const e = elapsed(b);
    Object.assign(b, { cut: e, stopped: true, stopLines: [`[+${(e / BOOT_MS * 76.1).toFixed(1)}s] stop: SIGTERM received: stopping within 8s`, `[+${(e / BOOT_MS * 76.1 + 3.2).toFixed(1)}s] stop: stopped cleanly`] });
    c.running = false;
  };
  const [cmd] = args;
  const name = args.find((a) => Object.hasOwn(apps.containers, a)) ?? args.at(-1);
  switch (cmd) {
    case 'run': {
      const opt = (flag) => { const i = args.indexOf(flag); return i > 0 ? args[i + 1] : undefined; };
      const image = args.at(-1);
      const n = opt('--name');
      const port = opt('-p')?.split(':')[0];
      const vol = opt('-v')?.split(':')[0] ?? randomUUID().replaceAll('-', '').repeat(2);
      if (!IMAGES[image]) fail(`Unable to find image '${image}' locally\ndocker: Error response from daemon: pull access denied for ${image.split(':')[0]}, repository does not exist or may require 'docker login'.`, 125);
      if (apps.containers[n]) fail(`docker: Error response from daemon: Conflict. The container name "/${n}" is already in use by container "${'0'.repeat(64)}". You have to remove (or rename) that container to be able to reuse that name.`, 125);
      if (Object.values(apps.containers).some((c) => c.running && c.port === port)) fail(`docker: Error response from daemon: driver failed programming external connectivity on endpoint ${n}: Bind for 0.0.0.0:${port} failed: port is already allocated.`, 125);
      if (Object.values(apps.containers).some((c) => c.volume === vol && c.running)) fail(`fake-tool: volume ${vol} is in use by a running appliance (two dockerd on one data root)`);
      apps.containers[n] = { image, volume: vol, port, running: false, boots: [], named: !!opt('-v') };
      if (!apps.volumes.includes(vol)) apps.volumes.push(vol);
      else apps.containers[n].warmVolume = true;
      startBoot(apps.containers[n]);
      if (apps.containers[n].warmVolume) apps.containers[n].boots[0].warm = true;
      save();
      return out(randomUUID().replaceAll('-', '').repeat(2));
    }
    case 'volume': {
      const vol = args[2];
      if (!['rm', 'inspect'].includes(args[1]) || !vol) return fail(`fake-tool: no fake for docker ${args.join(' ')}`);
      if (!apps.volumes.includes(vol)) fail(`Error response from daemon: get ${vol}: no such volume`);
      if (args[1] === 'inspect') return out(JSON.stringify([{ CreatedAt: new Date(now).toISOString(), Driver: 'local', Labels: null, Mountpoint: `/var/lib/docker/volumes/${vol}/_data`, Name: vol, Options: null, Scope: 'local' }], null, 4));
      if (Object.values(apps.containers).some((c) => c.volume === vol)) fail(`Error response from daemon: remove ${vol}: volume is in use - [${'0'.repeat(64)}]`);
      apps.volumes = apps.volumes.filter((v) => v !== vol);
      save();
      return out(vol);
    }
  }
  const c = get(name);
  switch (cmd) {
    case 'logs': {
      const text = c.boots.flatMap((b, i) => [...bootLines(c, b, i).filter((l) => l.ms <= elapsed(b)).map((l) => l.text), ...(b.stopLines ?? [])]);
      const tail = args.includes('--tail') ? Number(args[args.indexOf('--tail') + 1]) : Infinity;
      return out(text.join('\n').split('\n').slice(-tail).join('\n') || '');
    }
    case 'inspect': {
      if (!args.includes('-f')) {
        return out(JSON.stringify([{ Id: '0'.repeat(64), Name: `/${name}`, State: { Status: c.running ? 'running' : 'exited', Running: c.running },
          Mounts: [{ Type: 'volume', Name: c.volume, Source: `/var/lib/docker/volumes/${c.volume}/_data`, Destination: '/var/lib/docker', Driver: 'local', RW: true }],
          Config: { Image: c.image } }], null, 4));
      }
      const fmt = args[args.indexOf('-f') + 1];
      if (fmt.includes('.Mounts')) return out(c.volume);
      if (fmt.includes('.State.Running')) return out(String(c.running));
      if (fmt.includes('.Config.Image')) return out(c.image);
      return fail(`fake-tool: no fake for docker inspect -f ${fmt}`);
    }
    case 'stats': return out(c.running ? '38.52%\t1.874GiB / 15.62GiB' : '0.00%\t0B / 0B');
    case 'restart': if (c.running) stopBoot(c); startBoot(c); save(); return out(name);
    case 'stop': if (c.running) stopBoot(c); save(); return out(name);
    case 'start': if (!c.running) startBoot(c); save(); return out(name);
    case 'kill': {
      if (!c.running) fail(`Error response from daemon: cannot kill container: ${name}: container ${'0'.repeat(64)} is not running`);
      Object.assign(c.boots.at(-1), { cut: elapsed(c.boots.at(-1)) });
      c.running = false;
      save();
      return out(name);
    }
    case 'rm': {
      if (c.running && !args.includes('-f')) fail(`Error response from daemon: cannot remove container "/${name}": container is running: stop the container before removing or force remove`);
      delete apps.containers[name];
      // An anonymous volume goes with -v; a named one (-v NAME:…) stays until `docker volume rm`.
      if (args.includes('-v') && !c.named) apps.volumes = apps.volumes.filter((v) => v !== c.volume);
      save();
      return out(name);
    }
    case 'exec': break;
    default: return fail(`fake-tool: no fake for docker ${args.join(' ')}`);
  }
  if (!c.running) fail(`Error response from daemon: container ${'0'.repeat(64)} is not running`);
  const argv = args.slice(args.indexOf(name) + 1);
  const dir = volDir(c.volume);
  const world = { ...process.env, FAKE_STATE: dir, WIKI_STATE_DIR: join(dir, 'wiki'), WIKI_HOME: IMAGES[c.image]?.home ?? '', FAKE_POD_EXEC_ENV: JSON.stringify(VOLUMES[c.volume]?.podEnv ?? {}), FAKE_API_LOG: VOLUMES[c.volume]?.apiLog ?? '' };
  if (!VOLUMES[c.volume]?.apiLog) delete world.FAKE_API_LOG;
  unlock();
  const run = (file, list) => {
    let input = args.includes('-i') ? readFileSync(0, 'utf8') : '';
    if (process.env.FAKE_LOSE_ROW === '1' && list[0] === 'restore') {
      const lines = input.split('\n');
      const end = lines.findIndex((l, i) => l === '\\.' && lines.slice(0, i).some((x) => x.startsWith('COPY public.users ')));
      lines.splice(end - 1, 1);
      input = lines.join('\n');
    }
    const r = spawnSync(file[0], [...file.slice(1), ...list], { cwd: join(dirname(process.argv[1]), '../../..'), env: world, input, stdio: ['pipe', 'inherit', 'inherit'] });
    process.exitCode = r.status ?? 1;
  };
  // As test/support/programs.ts: the compiled program the test command built, else the source through tsx.
  const dist = process.env.WIKI_TEST_DIST;
  if (argv[0] === 'wiki') return run(dist ? [process.execPath, join(dist, 'start-cluster.js')] : [process.execPath, '--import', 'tsx', 'start-cluster.ts'], argv.slice(1));
  if (argv[0] === 'kubectl') return run([join(dirname(process.argv[1]), 'kubectl')], argv.slice(1));
  // A passing run of the chart's two test pods (test-grafana reads as an anonymous viewer, whatever the password).
  if (argv[0] === 'helm' && argv[1] === 'test') {
    return out(`NAME: wiki\nLAST DEPLOYED: Sat Nov 21 10:02:00 2026\nNAMESPACE: wiki\nSTATUS: deployed\nREVISION: 1\nTEST SUITE:     wiki-test-api\nLast Started:   Sat Nov 21 10:06:00 2026\nLast Completed: Sat Nov 21 10:06:04 2026\nPhase:          Succeeded\nTEST SUITE:     wiki-test-grafana\nLast Started:   Sat Nov 21 10:06:04 2026\nLast Completed: Sat Nov 21 10:06:07 2026\nPhase:          Succeeded`);
  }
  if (argv.join(' ') === 'cat /sys/fs/cgroup/memory.peak') {
    // cgroup v2: the container's cgroup is new after each start, so its peak starts over.
    return out(String(c.boots.length === 1 ? (apps.memoryPeak ?? 2254857830) : 1288490188));
  }
  if (argv.join(' ') === 'cat /opt/wiki/images/wiki-api.ref') return out(IMAGES[c.image].apiRef);
  if (argv.join(' ') === 'du -x -B1 --max-depth=1 /var/lib/docker') {
    // du's output (GNU coreutils 9.7): "<bytes>\t<dir>", subdirectories first, the total last.
    const total = apps.diskBytes ?? 3221225472;
    return out(`4096\t/var/lib/docker/runtimes\n786432\t/var/lib/docker/wiki-appliance\n1073741824\t/var/lib/docker/overlay2\n2139095040\t/var/lib/docker/volumes\n8286208\t/var/lib/docker/image\n${total}\t/var/lib/docker`);
  }
  if (argv.join(' ') === 'du -x -B1 --max-depth=4 /var/lib/docker/volumes') {
    const v = '/var/lib/docker/volumes/4b1f0c6e9d2a7f3c5e8b1a4d6c9f2e5b8a1d4c7f0e3b6a9d2c5f8e1b4a7d0c3f';
    return out([
      `1503238553\t${v}/_data/agent/containerd`, `12288\t${v}/_data/agent/etc`, `1503266841\t${v}/_data/agent`,
      `241172480\t${v}/_data/storage/pvc-2c4d6e8f-0a1b-4c3d-9e5f-7a8b9c0d1e2f_wiki_data-wiki-postgresql-0`,
      `318767104\t${v}/_data/storage/pvc-3d5e7f9a-1b2c-4d4e-8f6a-8b9c0d1e2f3a_wiki_wiki-prometheus`,
      `52428800\t${v}/_data/storage/pvc-4e6f8a0b-2c3d-4e5f-9a7b-9c0d1e2f3a4b_wiki_wiki-grafana`,
      `612368384\t${v}/_data/storage`, `2115635225\t${v}/_data`, `2115639321\t${v}`, '2139095040\t/var/lib/docker/volumes',
    ].join('\n'));
  }
  return fail(`fake-tool: no fake for docker ${args.join(' ')}`);
}
