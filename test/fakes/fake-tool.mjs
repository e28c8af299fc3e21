#!/usr/bin/env node
// Faithful fakes of docker, dockerd, k3d, kubectl, helm and update-alternatives for the bootstrap
// tests: each call is recorded in $FAKE_STATE/calls.jsonl; state (daemon up, images loaded, cluster
// present and running, helm revisions) lives in $FAKE_STATE so calls see each other's effects;
// outputs and error texts follow the real tools. $FAKE_FAIL / $FAKE_HANG hold JSON arrays of
// "tool arg arg" prefixes that fail (exit 1, the real tool's kind of message) or hang until killed.
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const writeJson = (n, v) => writeFileSync(file(n), JSON.stringify(v));
const out = (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const fail = (msg, code = 1) => { process.stderr.write(`${msg}\n`); process.exit(code); };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const daemonUp = () => existsSync(file('dockerd.pid')) && alive(Number(readFileSync(file('dockerd.pid'), 'utf8')));

if (matches('FAKE_HANG')) { setInterval(() => {}, 1 << 30); process.on('SIGTERM', () => process.exit(143)); }
else if (matches('FAKE_FAIL')) {
  fail({
    docker: 'Error response from daemon: failed to load image: unexpected EOF',
    k3d: 'FATA[0012] Failed Cluster Creation: Failed to create cluster \'wiki\': Failed to start server k3d-wiki-server-0: Node k3d-wiki-server-0 failed to get ready: error waiting for log line `k3s is up and running` from node \'k3d-wiki-server-0\': stopped returning log lines: node k3d-wiki-server-0 is running=true in status=restarting',
    helm: 'Error: UPGRADE FAILED: context deadline exceeded',
    kubectl: 'error: timed out waiting for the condition on nodes/k3d-wiki-server-0',
    dockerd: 'failed to start daemon: error initializing graphdriver: driver not supported: overlay2',
    'update-alternatives': 'update-alternatives: error: alternative /usr/sbin/iptables-nft for iptables not registered; not setting',
  }[tool] ?? `${tool}: failed`);
} else run();

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
      if (args[0] === 'inspect') return cluster && args.at(-1) === node ? out(String(cluster.running)) : fail(`Error: No such object: ${args.at(-1)}`);
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
        writeJson('cluster.json', { name, running: true });
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
        return out(`apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: k3d-${args[2]}\ncontexts:\n- context:\n    cluster: k3d-${args[2]}\n    user: admin@k3d-${args[2]}\n  name: k3d-${args[2]}\ncurrent-context: k3d-${args[2]}\nkind: Config\nusers:\n- name: admin@k3d-${args[2]}\n  user:\n    client-certificate-data: ZmFrZQ==`);
      }
      return fail(`Error: unknown command "${args[0]}" for "k3d"`);
    }
    case 'kubectl': {
      const rest = args.slice(2); // --kubeconfig <path>
      if (rest[0] === 'wait') return out(`node/k3d-${cluster?.name}-server-0 condition met`);
      if (rest[0] === 'get' && rest[1] === 'pods' && rest.includes('-A')) return out('NAMESPACE     NAME                         READY   STATUS             RESTARTS   AGE\nwiki          wiki-api-7d9c8-abcde         0/1     CrashLoopBackOff   4          3m\nwiki          wiki-postgresql-0            1/1     Running            0          3m');
      if (rest[0] === 'get' && rest[1] === 'pods') return out('wiki-api-7d9c8-abcde');
      if (rest[0] === 'get' && rest[1] === 'events') return out('LAST SEEN   TYPE      REASON    OBJECT                      MESSAGE\n10s         Warning   BackOff   pod/wiki-api-7d9c8-abcde    Back-off restarting failed container api');
      if (rest[0] === 'logs') return out('{"level":50,"msg":"database not ready for migrations, retrying"}');
      return fail(`error: unknown command "${rest[0]}" for "kubectl"`);
    }
    case 'helm': {
      const revisions = readJson('helm.json', 0) + 1;
      writeJson('helm.json', revisions);
      return out(`${revisions === 1 ? 'Release "wiki" does not exist. Installing it now.\n' : 'Release "wiki" has been upgraded. Happy Helming!\n'}NAME: wiki\nLAST DEPLOYED: Sat Nov 21 10:02:00 2026\nNAMESPACE: wiki\nSTATUS: deployed\nREVISION: ${revisions}\nDESCRIPTION: ${revisions === 1 ? 'Install complete' : 'Upgrade complete'}`);
    }
    default:
      return fail(`fake-tool: no fake for ${tool}`);
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
