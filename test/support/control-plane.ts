/**
 * A real Kubernetes control plane for the tests (scripts/setup/control-plane.ts builds it): etcd,
 * kube-apiserver, kube-controller-manager and kube-scheduler on loopback, and kwok simulating the nodes
 * and their pods (Ready, Job and bare `restartPolicy: Never` pods completed, logs and exec served
 * locally). No containers run. A k3s-like StorageClass (`local-path`, WaitForFirstConsumer) is served
 * by a small provisioner in this process that binds claims to hostPath volumes, and the `traefik`
 * IngressClass exists. A warm start takes about 9 s: test files that only need a namespace share the
 * run's control plane (`sharedControlPlane`); those that shape the nodes start their own.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readVersions } from '../../bootstrap/config/pins.ts';
import { sleep, waitFor } from '../../bootstrap/run/wait.ts';
import { daemons } from './daemons.ts';
import { ROOT } from './root.ts';
import { freePort } from './postgres.ts';
import { skipUnlessCi, which } from './tools.ts';
import type { Yaml } from './helm.ts';

export const CONTROL_PLANE_TOOLS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl', 'helm'];
/** The Kubernetes version scripts/tools/control-plane/go.mod builds (k3s's, or the nearest patch the Go proxy has). */
export const KUBE_VERSION = /^\s*k8s\.io\/kubernetes (v\S+)$/m.exec(readFileSync(`${ROOT}scripts/tools/control-plane/go.mod`, 'utf8'))![1]!;
const PROVISIONER = 'rancher.io/local-path';
const NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export type Run = { code: number; stdout: string; stderr: string };
export type RunOpts = { input?: string; check?: boolean; timeoutMs?: number; env?: Record<string, string> };

/** Where a running control plane answers: all a client in another process needs. */
export type Connection = { dir: string; kubeconfig: string; apiPort: number; token: string; caFile: string };

export type ControlPlane = {
  connection: Connection;
  kubeconfig: string;
  /** The directory holding certificates, logs and the hostPath volumes; removed when the control plane stops. */
  dir: string;
  kubectl(args: string[], opts?: RunOpts): Promise<Run>;
  helm(args: string[], opts?: RunOpts): Promise<Run>;
  /** GET/POST/... on the API server; returns the parsed JSON body, throws on a non-2xx status. */
  api(method: string, path: string, body?: unknown): Promise<Yaml>;
  /** Streams a watch (`path` of a list, e.g. `/apis/apps/v1/namespaces/x/deployments`); returns how to stop it. */
  watch(path: string, onEvent: (e: { type: string; object: Yaml }) => void): () => void;
  /** Makes `kubectl exec` into one pod run on this machine with these variables (a kwok `Exec`), e.g. PGHOST for pg_dump. */
  execEnv(namespace: string, pod: string, env: Record<string, string>, workDir?: string): Promise<void>;
  /** A fresh namespace (with its default ServiceAccount in place), optionally labelled. */
  namespace(prefix?: string, labels?: Record<string, string>): Promise<string>;
  /** Registers `count` more kwok nodes and waits until they are Ready and schedulable. */
  addNodes(count: number): Promise<string[]>;
  /** The kwok nodes, by name. */
  nodes(): Promise<string[]>;
  /** Ends every process of a control plane this file started; nothing for the shared one. */
  stop(): Promise<void>;
};

/** Runs a command (argv, no shell) and collects its output; `check` (default true) throws on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOpts & { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, maxBuffer: 256 << 20, timeout: opts.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
      const exit = (err as { code?: unknown } | null)?.code;
      const code = err ? (typeof exit === 'number' ? exit : 1) : 0;
      const r = { code, stdout: String(stdout), stderr: String(stderr) };
      if (code !== 0 && opts.check !== false) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${r.stderr || r.stdout || err?.message}`));
      else resolve(r);
    });
    child.stdin!.end(opts.input ?? '');
  });
}

const openssl = (args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error}`);
};
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

/** A certificate signed by the control plane's CA (in `dir`): `subject` like `/CN=x/O=y`, SANs like `IP:1.2.3.4`. */
export function issue(dir: string, name: string, subject: string, usage: 'serverAuth' | 'clientAuth', sans: string[] = []) {
  const pair = { crt: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl(['req', '-x509', ...EC, '-keyout', pair.key, '-out', pair.crt, '-subj', subject, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
    ...(sans.length ? ['-addext', `subjectAltName=${sans.join(',')}`] : []),
    '-addext', `extendedKeyUsage=${usage}`, '-addext', 'basicConstraints=critical,CA:FALSE']);
  return pair;
}

/**
 * Certificates by openssl: a CA, one serving certificate for the API server and kwok's kubelet endpoint
 * (also for `advertise`, the address pods reach it at), and the API server's client certificate for kubelets.
 */
function certificates(dir: string, advertise?: string) {
  const ca = { crt: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  openssl(['req', '-x509', ...EC, '-keyout', ca.key, '-out', ca.crt, '-subj', '/CN=wiki-test-ca']);
  const server = issue(dir, 'server', '/CN=kube-apiserver', 'serverAuth',
    ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default.svc', 'IP:10.43.0.1', ...(advertise ? [`IP:${advertise}`] : [])]);
  const kubeletClient = issue(dir, 'kubelet-client', '/CN=kube-apiserver-kubelet-client/O=system:masters', 'clientAuth');
  // Service account tokens are signed with this pair (the API server signs, the controllers verify).
  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const saKey = join(dir, 'sa.key'), saPub = join(dir, 'sa.pub');
  writeFileSync(saKey, sa.privateKey, { mode: 0o600 });
  writeFileSync(saPub, sa.publicKey);
  return { ca, server, kubeletClient, saKey, saPub };
}

/** kwok's stages: the default ones the setup step copied beside the binary, and one that completes bare pods. */
function stages(share: string): string {
  const dir = join(share, 'stages');
  const defaults = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
  // Helm test hooks are bare pods (no owner, restartPolicy Never): kwok's pod-complete covers Job pods only.
  const bare = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Stage', metadata: { name: 'pod-complete-bare' },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: { matchExpressions: [
        { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: '.metadata.ownerReferences', operator: 'DoesNotExist' },
        { key: '.spec.restartPolicy', operator: 'In', values: ['Never'] },
      ] },
      next: { statusTemplate: parse(readFileSync(join(dir, 'pod-complete.yaml'), 'utf8')).spec.next.statusTemplate },
    },
  };
  return [...defaults, stringify(bare)].map((d) => d.trim()).join('\n---\n') + '\n';
}

/** Client functions over a running control plane; `signal` aborts their waits (a process of it died). */
function connect(conn: Connection, signal?: AbortSignal): Omit<ControlPlane, 'stop'> {
  const { dir, kubeconfig, apiPort, token } = conn;
  const caPem = readFileSync(conn.caFile);
  const tool = (name: string) => which(name) ?? name;
  const api = (method: string, path: string, body?: unknown): Promise<Yaml> => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port: apiPort, path, method, ca: caPem, timeout: 10_000,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const parsed = text.startsWith('{') ? JSON.parse(text) : text;
        if (res.statusCode! >= 200 && res.statusCode! < 300) resolve(parsed);
        else reject(Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${parsed?.message ?? text}`), { status: res.statusCode }));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(data);
  });

  const watch = (path: string, onEvent: (e: { type: string; object: Yaml }) => void) => {
    const req = request({ host: '127.0.0.1', port: apiPort, path: `${path}${path.includes('?') ? '&' : '?'}watch=1`, ca: caPem,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) { onEvent(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
      });
    });
    req.on('error', () => undefined); // ended by the caller's stop (destroy)
    req.end();
    return () => req.destroy();
  };

  const kubeEnv = { KUBECONFIG: kubeconfig };
  const helmEnv = { ...kubeEnv, HELM_CACHE_HOME: join(dir, 'helm/cache'), HELM_CONFIG_HOME: join(dir, 'helm/config'), HELM_DATA_HOME: join(dir, 'helm/data') };
  const kubectl = (args: string[], opts: RunOpts = {}) => run(tool('kubectl'), args, { ...opts, env: { ...kubeEnv, ...opts.env } });
  const helm = (args: string[], opts: RunOpts = {}) => run(tool('helm'), args, { timeoutMs: 300_000, ...opts, env: { ...helmEnv, ...opts.env } });

  const nodes = async () => ((await api('GET', '/api/v1/nodes')).items as Yaml[])
    .filter((n) => n.metadata.annotations?.[NODE_ANNOTATION] === 'fake').map((n) => n.metadata.name as string).sort();
  const addNodes = async (count: number) => {
    const have = (await nodes()).length;
    const names = Array.from({ length: count }, (_, i) => `kwok-node-${have + i}`);
    await kubectl(['apply', '-f', '-'], { input: names.map((name) => stringify({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, annotations: { [NODE_ANNOTATION]: 'fake' }, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' } },
      status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' }, capacity: { cpu: '4', memory: '16Gi', pods: '110' } },
    })).join('---\n') });
    await waitFor(async () => {
      const list = await api('GET', '/api/v1/nodes');
      return names.every((n) => {
        const node = list.items.find((x: Yaml) => x.metadata.name === n);
        return node && !node.spec.taints?.length && node.status.conditions?.some((c: Yaml) => c.type === 'Ready' && c.status === 'True');
      });
    }, { timeoutMs: 30_000, intervalMs: 100, signal, what: `nodes ${names.join(', ')} Ready and untainted` });
    return names;
  };

  const namespace = async (prefix = 't', labels: Record<string, string> = {}) => {
    const name = `${prefix}-${randomBytes(3).toString('hex')}`;
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    // Pods are refused until the ServiceAccount controller has made `default`.
    await waitFor(async () => (await api('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`).catch(() => false)) && true,
      { timeoutMs: 20_000, intervalMs: 100, signal, what: `ServiceAccount default in ${name}` });
    return name;
  };

  const execEnv = async (namespace: string, pod: string, env: Record<string, string>, workDir = dir) => {
    await kubectl(['apply', '--filename', '-'], { input: stringify({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Exec', metadata: { name: pod, namespace },
      spec: { execs: [{ local: { workDir, envs: Object.entries(env).map(([name, value]) => ({ name, value })) } }] } }) });
  };

  return { connection: conn, kubeconfig, dir, kubectl, helm, api, watch, execEnv, namespace, addNodes, nodes };
}

/**
 * The test run's shared control plane (one node), for files that only need namespaces: the first file
 * that asks starts it in a process of its own (test/support/control-plane-shared.ts), which ends it
 * once no file using it has run for a few seconds, or the test runner has exited. Outside a
 * `node --test` run with WIKI_TEST_RUN, this file's own.
 */
export async function sharedControlPlane(): Promise<ControlPlane> {
  const runId = process.env.WIKI_TEST_RUN;
  if (!runId || !process.env.NODE_TEST_CONTEXT?.startsWith('child')) return startControlPlane();
  const base = join(tmpdir(), `wiki-cp-shared-${runId}`);
  // Registered before reading the state, so the control plane cannot stop under this file.
  mkdirSync(`${base}.clients`, { recursive: true });
  writeFileSync(join(`${base}.clients`, String(process.pid)), '');
  if (tryMkdir(`${base}.lock`)) {
    const fd = openSync(`${base}.log`, 'w');
    // The runner is this file's parent: the control plane never outlives it.
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/control-plane-shared.ts'), base, String(process.ppid)],
      { cwd: ROOT, detached: true, stdio: ['ignore', fd, fd] }).unref();
    closeSync(fd);
  }
  const state = await waitFor(async () => existsSync(`${base}.json`) && JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Connection & { error?: string },
    { timeoutMs: 120_000, intervalMs: 100, what: `the shared control plane (log: ${base}.log)` });
  if (state.error) throw new Error(`the shared control plane did not start: ${state.error}`);
  return { ...connect(state), stop: async () => undefined };
}

const tryMkdir = (path: string) => {
  try { mkdirSync(path); return true; } catch (err) { if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false; throw err; }
};

/**
 * Starts a control plane with `nodes` kwok nodes; call `stop()` (in an `after` hook) to end every process.
 * `advertise`: an address of this machine that pods can route to, for a real node (test/support/node.ts):
 * the API server listens on every address, keeps the `kubernetes` Service's endpoints there, and reaches
 * kubelets with a client certificate.
 */
export async function startControlPlane({ nodes = 1, advertise }: { nodes?: number; advertise?: string } = {}): Promise<ControlPlane> {
  const bin = Object.fromEntries(CONTROL_PLANE_TOOLS.map((t) => [t, which(t)]));
  const missing = CONTROL_PLANE_TOOLS.filter((t) => !bin[t]);
  if (missing.length) throw new Error(`${missing.join(', ')} not on PATH (scripts/setup/control-plane.ts builds them)`);
  const dir = mkdtempSync(join(tmpdir(), 'wiki-cp-'));
  // A test file that crashes or is killed (a test timeout) must not leave the control plane running.
  const procs = daemons(dir, () => {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* a dying process may still write there */ }
  });
  let stopped = false;
  const daemon = (name: string, args: string[], env: Record<string, string> = {}) => procs.start(name, bin[name]!, args, env);

  try {
    const certs = certificates(dir, advertise);
    const [etcdPort, peerPort, apiPort, kwokPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'test', preferences: {},
      clusters: [{ name: 'test', cluster: { server: `https://127.0.0.1:${apiPort}`, 'certificate-authority': certs.ca.crt } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
    }), { mode: 0o600 });
    const client = connect({ dir, kubeconfig, apiPort, token, caFile: certs.ca.crt }, procs.died);
    const { api, kubectl } = client;

    daemon('etcd', ['--name', 'test', '--data-dir', join(dir, 'etcd'), '--unsafe-no-fsync', '--log-level', 'warn',
      '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `test=http://127.0.0.1:${peerPort}`]);
    daemon('kube-apiserver', ['--etcd-servers', `http://127.0.0.1:${etcdPort}`, '--bind-address', advertise ? '0.0.0.0' : '127.0.0.1', '--advertise-address', advertise ?? '127.0.0.1',
      '--secure-port', String(apiPort), '--tls-cert-file', certs.server.crt, '--tls-private-key-file', certs.server.key,
      '--token-auth-file', join(dir, 'tokens.csv'), '--authorization-mode', 'RBAC', '--allow-privileged',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local', '--service-account-key-file', certs.saPub,
      '--service-account-signing-key-file', certs.saKey, '--service-cluster-ip-range', '10.43.0.0/16',
      // without a real node, no `kubernetes` Service endpoints: a loopback address is refused there, and no pod runs to use it
      '--endpoint-reconciler-type', advertise ? 'lease' : 'none',
      // logs and exec go to the node's kubelet endpoint: kwok's server, or a real kubelet
      '--kubelet-preferred-address-types', 'InternalIP', '--kubelet-certificate-authority', certs.ca.crt,
      '--kubelet-client-certificate', certs.kubeletClient.crt, '--kubelet-client-key', certs.kubeletClient.key]);
    await waitFor(async () => (await api('GET', '/readyz')) === 'ok', { timeoutMs: 60_000, intervalMs: 100, signal: procs.died, what: 'kube-apiserver /readyz' });

    const common = ['--kubeconfig', kubeconfig, '--leader-elect=false', '--secure-port=0'];
    daemon('kube-controller-manager', [...common, '--service-account-private-key-file', certs.saKey, '--root-ca-file', certs.ca.crt,
      '--use-service-account-credentials=false', '--controllers=*']);
    daemon('kube-scheduler', common);
    // kwok's files from the setup step: its stages, and the CRDs of the logs and exec it serves.
    const share = join(dirname(bin.kwok!), '..', 'share', `kwok-${readVersions().KWOK_VERSION}`);
    writeFileSync(join(dir, 'kwok.yaml'), stages(share));
    await kubectl(['apply', '--filename', join(share, 'crds')]);
    await kubectl(['wait', '--for=condition=Established', '--filename', join(share, 'crds'), '--timeout=30s']);
    daemon('kwok', ['--kubeconfig', kubeconfig, '--config', join(dir, 'kwok.yaml'), `--manage-nodes-with-annotation-selector=${NODE_ANNOTATION}=fake`,
      // kwok's own default is 0: leases would expire and the node flip NotReady every 40 s
      '--node-lease-duration-seconds=40', '--cidr=10.42.0.0/16', '--node-ip=127.0.0.1', `--node-port=${kwokPort}`, `--server-address=127.0.0.1:${kwokPort}`,
      '--tls-cert-file', certs.server.crt, '--tls-private-key-file', certs.server.key, '--enable-crds=ClusterLogs,ClusterExec,Logs,Exec'], { HOME: dir });

    // Cluster objects a k3s install has: the default StorageClass and the traefik IngressClass.
    await kubectl(['apply', '-f', '-'], { input: [
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: PROVISIONER, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' },
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' }, spec: { controller: 'traefik.io/ingress-controller' } },
    ].map((o) => stringify(o)).join('---\n') });

    // Logs and exec for every pod: a fixed log file, and commands run on this machine in `dir`.
    const podLog = join(dir, 'pod.log');
    writeFileSync(podLog, `${new Date().toISOString()} stdout F served by kwok ClusterLogs\n`);
    await kubectl(['apply', '-f', '-'], { input: [
      { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ClusterLogs', metadata: { name: 'all-pods' }, spec: { logs: [{ logsFile: podLog }] } },
      { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'ClusterExec', metadata: { name: 'all-pods' }, spec: { execs: [{ local: { workDir: dir } }] } },
    ].map((o) => stringify(o)).join('---\n') });

    // The StorageClass's provisioner: a hostPath volume on the node the scheduler picked, bound to the claim.
    const provisioner = (async () => {
      while (!stopped) {
        await provision(api, dir).catch(() => undefined); // the API may be briefly busy; the next round retries
        await sleep(250);
      }
    })();

    if (nodes) await client.addNodes(nodes);

    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await provisioner;
      // Clients first, etcd last, so nothing logs a storm of connection errors on the way out.
      await procs.stop([['kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']]);
      rmSync(dir, { recursive: true, force: true });
    };

    return { ...client, stop };
  } catch (err) {
    stopped = true;
    const logs = procs.logs();
    await procs.stop([]);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`control plane did not start: ${(err as Error).message}\n${logs}`);
  }
}

/** One round of the local-path provisioner: claims the scheduler placed get a volume; released volumes go. */
async function provision(api: ControlPlane['api'], dir: string) {
  const claims = (await api('GET', '/api/v1/persistentvolumeclaims')).items as Yaml[];
  for (const c of claims) {
    const a = c.metadata.annotations ?? {};
    const node = a['volume.kubernetes.io/selected-node'];
    if (c.status.phase !== 'Pending' || c.spec.volumeName || a['volume.kubernetes.io/storage-provisioner'] !== PROVISIONER || !node) continue;
    const name = `pvc-${c.metadata.uid}`;
    const path = join(dir, 'volumes', name);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o777); // as rancher's local-path-provisioner makes them: fsGroup does not apply to hostPath
    await api('POST', '/api/v1/persistentvolumes', {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
      spec: {
        capacity: { storage: c.spec.resources.requests.storage }, accessModes: c.spec.accessModes, volumeMode: c.spec.volumeMode ?? 'Filesystem',
        storageClassName: c.spec.storageClassName, persistentVolumeReclaimPolicy: 'Delete', hostPath: { path, type: 'DirectoryOrCreate' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      },
    }).catch((err) => { if (err.status !== 409) throw err; });
  }
  const volumes = (await api('GET', '/api/v1/persistentvolumes')).items as Yaml[];
  for (const v of volumes) {
    if (v.status.phase !== 'Released' || v.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] !== PROVISIONER) continue;
    await api('DELETE', `/api/v1/persistentvolumes/${v.metadata.name}`).catch((err) => { if (err.status !== 404) throw err; });
    rmSync(join(dir, 'volumes', v.metadata.name), { recursive: true, force: true });
  }
}

/** A describe's `skip`: the reason when a tool is missing; with CI=true a missing tool throws instead. */
export function controlPlaneSkip(): string | false {
  const missing = CONTROL_PLANE_TOOLS.filter((t) => !which(t));
  return skipUnlessCi(missing.length ? `${missing.join(', ')} not found on PATH (scripts/setup/control-plane.ts builds them)` : undefined);
}
