/** Harness for the bootstrap: fake host trees, a fake bundle, the fake toolchain on PATH, a fake service. */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageArch } from '../../bootstrap/config/arch.ts';
import { API_REF_FILE, bundledImages } from '../../bootstrap/config/bundle.ts';
import { readPins } from '../../bootstrap/config/pins.ts';
import { nodeArgs, programFile } from './programs.ts';
import { ROOT } from './root.ts';

export const FAKES = join(ROOT, 'test/fakes/bin');
const PRIVILEGED_CAPS = '000001ffffffffff';
const UNPRIVILEGED_CAPS = '00000000a80425fb';

export type HostShape = { cgroup?: 1 | 2; privileged?: boolean; hostCgroupNs?: boolean; overlayDocker?: boolean; memAvailableKb?: number; legacyIptables?: boolean; brNetfilter?: boolean };

/** A directory shaped like / as the bootstrap reads it: /proc, /sys/fs/cgroup, /dev/kmsg, /var. */
export function fakeRoot(shape: HostShape = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'wiki-root-'));
  const put = (path: string, content: string) => { mkdirSync(join(root, path, '..'), { recursive: true }); writeFileSync(join(root, path), content); };
  put('proc/self/status', `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${shape.privileged === false ? UNPRIVILEGED_CAPS : PRIVILEGED_CAPS}\n`);
  if (shape.privileged !== false) put('dev/kmsg', '');
  put('proc/meminfo', `MemTotal:       24000000 kB\nMemAvailable:   ${shape.memAvailableKb ?? 20_000_000} kB\n`);
  put('proc/self/mountinfo', [
    '100 90 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
    `120 100 254:1 /docker/volumes/wiki/_data /var/lib/docker rw,relatime - ${shape.overlayDocker ? 'overlay overlay rw' : 'ext4 /dev/vda rw'}`,
    '130 100 0:60 / /proc rw - proc proc rw',
  ].join('\n'));
  put('proc/net/ip_tables_names', shape.legacyIptables ? 'nat\nfilter\n' : '');
  if (shape.brNetfilter !== false) put('proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  mkdirSync(join(root, 'var/lib/docker'), { recursive: true });
  mkdirSync(join(root, 'var/run'), { recursive: true });
  mkdirSync(join(root, 'var/log'), { recursive: true });
  if ((shape.cgroup ?? 1) === 2) {
    put('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n');
    put('sys/fs/cgroup/cgroup.procs', '1\n7\n42\n');
    put('sys/fs/cgroup/cgroup.subtree_control', '');
    put('proc/self/cgroup', shape.hostCgroupNs ? '0::/system.slice/docker-0123abcd.scope\n' : '0::/\n');
  } else {
    mkdirSync(join(root, 'sys/fs/cgroup/memory'), { recursive: true });
    put('proc/self/cgroup', '12:memory:/docker/0123abcd\n0::/docker/0123abcd\n');
  }
  return root;
}

/**
 * WIKI_HOME with versions.env, the chart, and a bundle whose files each hold their image reference;
 * `apiRef` is the build identity an image build writes beside the API archive.
 */
export function fakeHome({ omit = [] as string[], apiRef = undefined as string | undefined } = {}): string {
  const home = mkdtempSync(join(tmpdir(), 'wiki-home-'));
  cpSync(join(ROOT, 'versions.env'), join(home, 'versions.env'));
  symlinkSync(join(ROOT, 'chart'), join(home, 'chart'));
  mkdirSync(join(home, 'images'), { recursive: true });
  if (apiRef) writeFileSync(join(home, 'images', API_REF_FILE), `${apiRef}\n`);
  for (const img of bundledImages(readPins(), imageArch(process.arch), apiRef)) {
    if (omit.includes(img.file)) continue;
    mkdirSync(join(home, 'images', img.file, '..'), { recursive: true });
    writeFileSync(join(home, 'images', img.file), img.ref ?? 'airgap bundle');
  }
  return home;
}

/** `writes` counts every request that is not a GET (the verify phase must make none). */
export type ServiceMode = { mode: 'ok' | 'unavailable' | 'hang'; password: string; users: number; writes?: number; anonymousViewer?: boolean };

/** The API and Grafana as seen through port 8080, enough for the end-to-end probe. */
export async function fakeService(state: ServiceMode): Promise<{ url: string; server: Server; state: ServiceMode }> {
  const server = createServer((req, res) => {
    if (state.mode === 'hang') return;
    const json = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (state.mode === 'unavailable') return json(503, { detail: 'Service Unavailable' });
    const url = req.url ?? '';
    if (req.method !== 'GET') state.writes = (state.writes ?? 0) + 1;
    if (req.method === 'POST' && url === '/users') { state.users++; return json(201, { id: state.users, name: 'x', created_time: new Date().toISOString() }); }
    if (req.method === 'GET' && /^\/users\/\d+$/.test(url)) return Number(url.split('/')[2]) <= state.users ? json(200, { id: 1 }) : json(404, { detail: 'User not found' });
    if (req.method === 'GET' && url === '/users?limit=1') return json(200, { items: state.users ? [{ id: 1, name: 'x', created_time: new Date().toISOString() }] : [], next: state.users > 1 ? '/users?after=1&limit=1' : null });
    if (url === '/healthz/ready') return json(200, { status: 'ok' });
    if (url === '/metrics') { res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }); return res.end(`# HELP users_created_total Total number of users created\nusers_created_total ${state.users}\n`); }
    if (url === '/grafana/api/health') return json(200, { database: 'ok', version: '13.2.3' });
    if (req.method === 'PUT' && url === '/grafana/api/user/password') return changePassword(req, json);
    if (url === '/grafana/api/dashboards/uid/creation-dashboard-678' || url === '/grafana/api/datasources/uid/wiki-prometheus/health') {
      // As Grafana 13 with anonymous viewers (the chart's default): no credentials read it, wrong ones are
      // refused with its auth.unauthorized body (pkg/services/authn/authnimpl/service.go errCantAuthenticateReq).
      const auth = req.headers.authorization;
      const ok = auth === undefined ? state.anonymousViewer !== false : auth === `Basic ${Buffer.from(`admin:${state.password}`).toString('base64')}`;
      if (!ok) return json(401, { extra: null, message: 'Unauthorized', messageId: 'auth.unauthorized', statusCode: 401, traceID: '' });
      if (url.endsWith('/health')) return json(200, { status: 'OK', message: 'Successfully queried the Prometheus API.' });
      return json(200, { dashboard: { uid: 'creation-dashboard-678', title: 'Creation' } });
    }
    json(404, { detail: 'Not Found' });
  });
  // Grafana's PUT /api/user/password (pkg/api/user.go ChangeUserPassword, docs/sources/developers/http_api/user.md):
  // the signed-in user's own password; the old one must match, a new one under 4 characters is refused.
  const changePassword = (req: IncomingMessage, json: (status: number, body: unknown) => void) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${state.password}`).toString('base64')}`) return json(401, { message: 'Invalid username or password' });
      const body = JSON.parse(raw || '{}') as { oldPassword?: string; newPassword?: string };
      if (body.oldPassword !== state.password) return json(401, { message: 'Invalid old password' });
      if ((body.newPassword ?? '').length < 4) return json(400, { message: 'New password is too short' });
      state.password = body.newPassword!;
      json(200, { message: 'User password changed' });
    });
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, state };
}

export type Boot = { code: number | null; output: string; calls: { tool: string; args: string[]; env: Record<string, string> }[]; ms: number; leftovers: string[] };

/**
 * Kills (SIGKILL, so pidfiles stay as evidence) every process still running with this FAKE_STATE in
 * its environment once the bootstrap has exited, e.g. a fake dockerd it did not stop; returns "pid argv" of each.
 */
export function killLeftovers(state: string): string[] {
  const left: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FAKE_STATE=${state}`)) continue;
      left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`);
      process.kill(Number(pid), 'SIGKILL');
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return left;
}

/**
 * Runs start-cluster (programs.ts) as the image would, against the fakes. `until` decides when to send
 * SIGTERM (called on every output chunk and with the calls so far); `twice` sends a second one.
 */
export async function boot(env: Record<string, string>, opts: { args?: string[]; until?: (output: string, calls: Boot['calls']) => boolean; twice?: boolean; timeoutMs?: number } = {}): Promise<Boot> {
  const t0 = Date.now();
  const state = env.FAKE_STATE!;
  const calls = () => (existsSync(join(state, 'calls.jsonl')) ? readFileSync(join(state, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const child = spawn(process.execPath, [...nodeArgs(programFile('start-cluster')), ...(opts.args ?? [])], {
    cwd: ROOT, env: { PATH: `${FAKES}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let signalled = false;
  const check = () => {
    if (!signalled && opts.until?.(output, calls())) {
      signalled = true;
      child.kill('SIGTERM');
      if (opts.twice) setTimeout(() => child.kill('SIGTERM'), 200);
    }
  };
  child.stdout.on('data', (d) => { output += d; check(); });
  child.stderr.on('data', (d) => { output += d; });
  const poll = setInterval(check, 100);
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(poll);
  clearTimeout(killer);
  return { code, output, calls: calls(), ms: Date.now() - t0, leftovers: killLeftovers(state) };
}

/**
 * A fresh fake world: state dir, host root, home with bundle, and the env that points the bootstrap at
 * them. With `cluster`, the cluster is a real control plane (test/support/control-plane.ts): the fake
 * k3d hands out its kubeconfig, and the real helm and kubectl on PATH talk to it (their fakes are left out).
 */
export function world(shape: HostShape = {}, home = fakeHome(), { cluster }: { cluster?: { kubeconfig: string } } = {}) {
  const state = mkdtempSync(join(tmpdir(), 'wiki-fake-state-'));
  const root = fakeRoot(shape);
  const env: Record<string, string> = {
    FAKE_STATE: state, WIKI_ROOT: root, WIKI_HOME: home, WIKI_STATE_DIR: join(state, 'wiki'),
    WIKI_DOCKER_DATA_ROOT: '/var/lib/docker', WIKI_MIN_DISK_GB: '0.001', WIKI_STOP_TIMEOUT_S: '8',
    WIKI_DOCKERD_TIMEOUT_S: '10', WIKI_VERIFY_TIMEOUT_S: '10',
  };
  if (cluster) {
    const bin = join(state, 'bin');
    mkdirSync(bin);
    for (const tool of ['docker', 'dockerd', 'k3d', 'update-alternatives']) symlinkSync(join(FAKES, tool), join(bin, tool));
    Object.assign(env, { PATH: `${bin}:${process.env.PATH}`, FAKE_KUBECONFIG: cluster.kubeconfig });
  }
  return { state, root, home, env };
}

/**
 * `wiki <args>` as operators run it in the container (a link to the entrypoint in the world's `state`/bin),
 * with the world's `env`, so the kubeconfig its boot wrote; `input` goes to its stdin.
 */
export function wikiCommand(state: string, env: Record<string, string>) {
  const link = join(state, 'bin', 'wiki');
  symlinkSync(programFile('start-cluster'), link);
  return (args: string[], input?: string) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [...nodeArgs(link), ...args], { cwd: ROOT, env: { ...env, HOME: process.env.HOME ?? '/root' }, maxBuffer: 1 << 28 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(input ?? '');
  });
}

export const argvOf = (calls: Boot['calls']) => calls.map((c) => `${c.tool} ${c.args.join(' ')}`);

/** The fake service of one test file, started before its tests and closed after them; `state` steers it. */
export function useFakeService(hooks: { before: (fn: () => Promise<void>) => void; after: (fn: () => void) => void }) {
  const state: ServiceMode = { mode: 'ok', password: 'admin', users: 0 };
  let svc: Awaited<ReturnType<typeof fakeService>> | undefined;
  hooks.before(async () => { svc = await fakeService(state); });
  hooks.after(() => { svc?.server.close(); });
  return { state, url: () => svc!.url };
}

/** A boot's output reached the READY banner. */
export const ready = (out: string) => out.includes('READY in');
export const dockerdGone = (w: ReturnType<typeof world>) => !existsSync(join(w.root, 'var/run/docker.pid')) && !existsSync(join(w.state, 'dockerd.pid'));
/** Calls that would delete data or the cluster: none may happen on a recovery or an upgrade. */
export const DESTRUCTIVE = /^(k3d cluster delete|k3d node delete|docker (rm|volume rm|system prune)|kubectl .*\bdelete\b)/;
/** The calls of the last boot in a world (calls.jsonl holds every boot: the last starts at its own dockerd). */
export const callsOfLastBoot = (b: Boot) => { const all = argvOf(b.calls); return all.slice(all.map((c) => c.startsWith('dockerd ')).lastIndexOf(true)); };
/** The fake helm's release history (test/fakes/fake-tool.mjs keeps it as Helm's storage would). */
export const helmHistory = (state: string) => JSON.parse(readFileSync(join(state, 'helm.json'), 'utf8')) as { revision: number; status: string; apiImage?: string }[];
