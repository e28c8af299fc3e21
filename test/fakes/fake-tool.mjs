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
// `kubectl exec` runs the command after `--` here with exactly $FAKE_POD_EXEC_ENV, the environment the
// container would have (test/support/postgres-pod.ts builds it from the rendered chart and the image's
// ENV), so backup and restore go through real pg_dump and psql; the fake adds no variable of its own.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

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
      const appliance = readJson('appliance.json', null);
      if (appliance && args.includes(appliance.name)) return applianceContainer(appliance);
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
      const rest = args.slice(2); // --kubeconfig <path>
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
      if (rest[0] === 'logs' && rest.includes('--prefix')) {
        const component = /app\.kubernetes\.io\/component=(\w+)/.exec(rest[rest.indexOf('--selector') + 1] ?? '')?.[1];
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

// The appliance container as scripts/e2e sees it from the host ($FAKE_STATE/appliance.json names it).
function applianceContainer(app) {
  const banner = '==================================================================\n READY in 76.1s\n==================================================================';
  if (args[0] === 'logs') return out(Array.from({ length: 1 + app.restarts }, () => `[+76.1s] verify: 5 checks through http://127.0.0.1:8080 in 1.6s\n${banner}`).join('\n'));
  if (args[0] === 'restart') { writeJson('appliance.json', { ...app, restarts: app.restarts + 1 }); return out(app.name); }
  if (args[0] === 'inspect') return out('true');
  if (args[0] === 'stats') return out('38.52%\t1.874GiB / 15.62GiB');
  const cmd = args.slice(args.indexOf(app.name) + 1);
  if (args[0] === 'exec' && cmd[0] === 'helm' && cmd[1] === 'test') {
    return out(`NAME: wiki\nLAST DEPLOYED: Sat Nov 21 10:02:00 2026\nNAMESPACE: wiki\nSTATUS: deployed\nREVISION: 1\nTEST SUITE:     wiki-test-api\nLast Started:   Sat Nov 21 10:06:00 2026\nLast Completed: Sat Nov 21 10:06:04 2026\nPhase:          Succeeded\nTEST SUITE:     wiki-test-grafana\nLast Started:   Sat Nov 21 10:06:04 2026\nLast Completed: Sat Nov 21 10:06:07 2026\nPhase:          Succeeded`);
  }
  if (args[0] === 'exec' && cmd[0] === 'cat' && cmd[1] === '/sys/fs/cgroup/memory.peak') return out(String(app.memoryPeak ?? 2254857830));
  if (args[0] === 'exec' && cmd[0] === 'du') return out(`${app.diskBytes ?? 3221225472}\t/var/lib/docker`);
  return fail(`fake-tool: no fake for docker ${args.join(' ')}`);
}
