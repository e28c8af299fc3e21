#!/usr/bin/env -S node --import tsx
/**
 * End-to-end check of a running appliance, from outside, with fetch and docker; each phase is one of
 * the user's journeys or operator commands (README "Day two"):
 *   api (users, posts, 404s, 422s, /metrics counters) → logs (`wiki logs api` holds this script's
 *   request by its X-Request-Id) → status (`wiki status` exits 0, every pod ready) → grafana (health,
 *   the dashboard as admin) → helm-test → backup-restore (`wiki backup`, `wiki restore --force` on the
 *   same appliance: same rows and ids, the next user gets the next id) → restore-fresh (the backup into
 *   a second appliance on its own volume) → restart (docker restart, READY, data kept) →
 *   grafana-password (changed through Grafana's API, kept across docker restart, helm test green) →
 *   kill-release (docker kill during the release phase, docker start, READY) → upgrade (the rebuilt
 *   image on the same volume: rows kept, the API Deployment on the new image's API) → budget (peak
 *   memory, first boot included, and CPU against 4 GiB / 2 CPU; the volume's disk use per component).
 * Usage: node --import tsx scripts/e2e.ts BASE_URL CONTAINER   e.g. … http://localhost:8080 wiki
 * Env: E2E_OUT (directory for summary.md, stats.tsv, the backups; default ./e2e-out),
 *   GRAFANA_ADMIN_PASSWORD (admin), E2E_READY_TIMEOUT_S (900, each wait for READY),
 *   E2E_STATS_INTERVAL_S (2), E2E_POLL_S (2, READY polls), E2E_LOGS_TIMEOUT_S (30, for the access line),
 *   E2E_KILL_POLL_S (0.2, watching for the release phase), E2E_BOOT_MEMORY_PEAK (bytes: the first boot's
 *   cgroup memory.peak when read earlier; else read here first, before anything restarts the container
 *   and so its cgroup), E2E_IMAGE (the container's image; enables restore-fresh), E2E_FRESH_PORT (8081,
 *   its host port), E2E_UPGRADE_IMAGE (a rebuild with a different API; enables upgrade).
 * Exits non-zero at the first failed check, naming it; the summary is written either way.
 * Commands the appliance answers (docker, `docker exec … wiki|kubectl|helm`) run through zx's `$`, each
 * argument quoted; HTTP is Node's fetch, JSON is JSON.parse.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { $ } from 'zx';
import { ms, since } from './lib/steps.ts';

const env = (name: string, d: string) => process.env[name] || d;
const [baseArg, C] = process.argv.slice(2);
if (!baseArg || !C) { console.error('usage: scripts/e2e.ts BASE_URL CONTAINER'); process.exit(1); }
const BASE = baseArg.replace(/\/$/, '');
const OUT = env('E2E_OUT', 'e2e-out');
let PASSWORD = env('GRAFANA_ADMIN_PASSWORD', 'admin');
const READY_TIMEOUT_S = Number(env('E2E_READY_TIMEOUT_S', '900'));
const POLL_S = Number(env('E2E_POLL_S', '2'));
const KILL_POLL_S = Number(env('E2E_KILL_POLL_S', '0.2'));
const STATS_INTERVAL_S = Number(env('E2E_STATS_INTERVAL_S', '2'));
const LOGS_TIMEOUT_S = Number(env('E2E_LOGS_TIMEOUT_S', '30'));
const IMAGE = env('E2E_IMAGE', '');
const UPGRADE_IMAGE = env('E2E_UPGRADE_IMAGE', '');
const FRESH = `${C}-fresh`;
const FRESH_PORT = env('E2E_FRESH_PORT', '8081');
// The appliance's budget (README "The chart on an existing cluster"): 2 CPUs, 4 GiB, 5 GB of disk.
const BUDGET_CPU_PCT = 200;
const BUDGET_MEM_BYTES = 4 * 2 ** 30;
const BUDGET_DISK_BYTES = 5_000_000_000;
const NS = 'wiki';
const RELEASE = 'wiki';
const KUBECONFIG_IN = '/var/lib/docker/wiki-appliance/kubeconfig';
const API_SELECTOR = `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=api`;
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}/summary.md`, '');
writeFileSync(`${OUT}/stats.tsv`, '');
// For diff's two inputs (same_data); removed at exit.
const TMP = mkdtempSync(join(tmpdir(), 'wiki-e2e-'));

/** A failed check: main() prints it as `FAILED: …` and exits 1. */
class Failure extends Error {}
const note = (line: string) => { console.log(line); appendFileSync(`${OUT}/summary.md`, `${line}\n`); };
const fail = (msg: string): never => { throw new Failure(msg); };
const random = () => Math.floor(Math.random() * 32768); // bash's $RANDOM
const epoch = () => Math.floor(Date.now() / 1000);
/** Text as `$(…)` leaves it: trailing newlines dropped. */
const chomp = (s: string) => s.replace(/\n+$/, '');
/** `head -c N`, as `$(head -c N …)` leaves it. */
const headc = (s: string | Buffer, n: number) => chomp(Buffer.from(s).subarray(0, n).toString());
/** `tail -N`, as `$(tail -N <<< "$s")` leaves it. */
const tail = (s: string, n: number) => chomp(s).split('\n').slice(-n).join('\n');
const lines = (s: string) => chomp(s).split('\n');

// Commands: captured quietly, never throwing (each caller names its failure); stderr shown (`2>&1`
// callers read .stdall instead, `2>/dev/null` callers ignore it).
const sh = $({ quiet: true, nothrow: true, stdio: ['pipe', 'pipe', 'inherit'] });
const sh2 = $({ quiet: true, nothrow: true });

// HTTP: the last response's status, body and headers (the bash version's $BODY and $HEADERS).
let last = { body: Buffer.alloc(0), headers: '', reqId: '' };
const body = () => headc(last.body, 300);
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** METHOD PATH [JSON] [user:password]: the status code ("000" when there was no answer); `target` is the appliance it talks to. */
async function call(method: string, path: string, data = '', auth = '', target = BASE): Promise<string> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  if (data) headers['content-type'] = 'application/json';
  try {
    const r = await fetch(`${target}${path}`, { method, headers, body: data || undefined, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    last = {
      body: Buffer.from(await r.arrayBuffer()),
      headers: [`HTTP/1.1 ${r.status} ${r.statusText}`, ...[...r.headers].map(([k, v]) => `${k}: ${v}`)].join('\n'),
      reqId: r.headers.get('x-request-id') ?? '',
    };
    return String(r.status);
  } catch (e) {
    console.error(`fetch ${method} ${target}${path}: ${e instanceof Error ? e.message : String(e)}`);
    last = { body: Buffer.alloc(0), headers: '', reqId: '' };
    return '000';
  }
}
/** Fails unless the status is `want`. */
async function expect(want: string, method: string, path: string, data = '', auth = '', target = BASE) {
  const got = await call(method, path, data, auth, target);
  if (got !== want) fail(`${method} ${path}: status ${got}, expected ${want}; body: ${body()}`);
}
/** The last body as a JSON object, or undefined. */
function json(): Obj | undefined {
  try {
    const v = JSON.parse(last.body.toString()) as Json;
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch { return undefined; }
}
/** A field of the last body (jq -e: null and false fail). */
function field(name: string): Json {
  const v = json()?.[name];
  return v === undefined || v === null || v === false ? fail(`no .${name} in ${body()}`) : v;
}
/** Fails naming `what` unless the last body satisfies `ok`. */
function check(ok: (b: Obj) => boolean, what: string) {
  const b = json();
  let good = false;
  try { good = !!b && ok(b); } catch { good = false; }
  if (!good) fail(`${what}: ${body()}`);
}
const same = (a: Json | undefined, b: Json) => JSON.stringify(a) === JSON.stringify(b);
const at = (v: Json | undefined, ...keys: (string | number)[]): Json | undefined => {
  let x: Json | undefined = v;
  for (const k of keys) x = x && typeof x === 'object' ? (x as Record<string | number, Json>)[k] : undefined;
  return x;
};

// docker stats in the background, one line per sample: epoch, CPU %, memory used.
let sampler: { stop: AbortController; done: Promise<void> } | undefined;
function startSampler() {
  const stop = new AbortController();
  const loop = async () => {
    while (!stop.signal.aborted) {
      const t = epoch();
      // Not cancelled on stop: a killed docker call may leave its work half done (the test's fake, its lock).
      const r = await sh2`docker stats --no-stream --format ${'{{.CPUPerc}}\t{{.MemUsage}}'} ${C}`.catch(() => undefined);
      if (stop.signal.aborted) return;
      const rows = r?.stdout ? lines(r.stdout).map((l) => { const [cpu = '', mem = ''] = l.split('\t'); return `${t}\t${cpu}\t${mem.split(' / ')[0]}\n`; }) : [];
      if (rows.length) appendFileSync(`${OUT}/stats.tsv`, rows.join(''));
      await sleep(STATS_INTERVAL_S * 1000, undefined, { signal: stop.signal }).catch(() => {});
    }
  };
  sampler = { stop, done: loop() };
}
async function stopSampler() {
  if (!sampler) return;
  sampler.stop.abort();
  await sampler.done;
  sampler = undefined;
}
/** Bytes from docker's human units (1.5GiB, 812MiB, 3kB). */
function toBytes(s: string) {
  const f: Record<string, number> = { B: 1, kB: 1e3, KiB: 1024, MB: 1e6, MiB: 1048576, GB: 1e9, GiB: 1073741824 };
  const n = parseFloat(s) || 0;
  return Math.trunc(n * (f[s.replace(/^[0-9.]+/, '')] ?? 1));
}
const mib = (b: number) => `${Math.floor(b / 2 ** 20)} MiB`;
const mb = (b: number) => `${Math.floor(b / 1_000_000)} MB`;

// The bootstrap's lines (bootstrap/log.ts, pipeline.ts): "[+12.3s] phase: message"; the READY banner.
const logsOf = async (c: string) => chomp((await sh2`docker logs ${c}`).stdall);
const count = (s: string, re: RegExp) => s.split('\n').filter((l) => re.test(l)).length;
/** In logs: READY banners, release phase starts. */
const bannersIn = (logs: string) => count(logs, /READY in/);
const releaseStarts = (logs: string) => count(logs, /^\[\+[0-9.]*s\] release: starting/);
const readyBanners = async (c: string) => bannersIn(await logsOf(c));
const lastPhaseLine = async (c: string) => (await logsOf(c)).split('\n').filter((l) => /^\[\+[0-9.]+s\] [a-z]+: /.test(l)).at(-1) ?? '';
const running = async (c: string) => (await sh2`docker inspect -f ${'{{.State.Running}}'} ${c}`).stdout.includes('true');
const logTail = async (c: string) => chomp((await sh2`docker logs --tail 30 ${c}`).stdall);
/** Until one more READY banner than `before`; fails once the container stops (a failed phase ends the bootstrap, and so the container). */
async function waitReady(c: string, before: number) {
  const t0 = ms();
  while (!(await readyBanners(c) > before)) {
    if (!(ms() - t0 < READY_TIMEOUT_S * 1000)) fail(`no READY from ${c} within ${READY_TIMEOUT_S}s: ${await logTail(c)}`);
    if (!await running(c)) fail(`${c} stopped before READY: ${await logTail(c)}`);
    await sleep(POLL_S * 1000);
  }
}
const memoryPeak = async (c: string) => chomp((await sh2`docker exec ${c} cat /sys/fs/cgroup/memory.peak`).stdout);
/** kubectl in the appliance (KUBECONFIG is in the image's environment). */
const kube = (args: string[]) => sh`docker exec ${C} kubectl ${args}`;
const parse = (s: string): Json | undefined => { try { return JSON.parse(s) as Json; } catch { return undefined; } };
/** The API Deployment's image, or undefined (the reason on stderr). */
async function apiDeploymentImage() {
  const r = await kube(['get', 'deployments', '--namespace', NS, '--selector', API_SELECTOR, '--output', 'json']);
  if (!r.ok) return undefined;
  const items = at(parse(r.stdout), 'items');
  if (!Array.isArray(items)) return undefined;
  if (items.length !== 1) { console.error(`${items.length} API Deployments`); return undefined; }
  const image = at(items[0], 'spec', 'template', 'spec', 'containers', 0, 'image');
  return image === undefined || image === null || image === false ? undefined : typeof image === 'string' ? image : JSON.stringify(image);
}
/**
 * The data of a backup, sorted: its COPY blocks' rows and the sequence positions (pg_dump's header and
 * \restrict key vary, and COPY follows the table's physical order).
 */
function backupData(file: string) {
  const out: string[] = [];
  let inCopy = false;
  for (const l of lines(readFileSync(file, 'utf8'))) {
    if (inCopy || /^COPY public\./.test(l)) { out.push(l); inCopy = l !== '\\.'; }
    if (/^SELECT pg_catalog\.setval/.test(l)) out.push(l);
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((l) => `${l}\n`).join('');
}
/** The id the next user gets after restoring this backup (setval(seq, N, is_called)). */
const nextUserId = (file: string) => lines(readFileSync(file, 'utf8'))
  .map((l) => /^SELECT pg_catalog\.setval\('public\.users_id_seq', ([0-9]*), (true|false)\)/.exec(l))
  .filter((m) => m !== null).map((m) => String(m[2] === 'true' ? Number(m[1]) + 1 : Number(m[1]))).join('\n');
/** Fails naming `what` unless both backups hold the same rows and sequences. */
async function sameData(what: string, a: string, b: string) {
  const data = backupData(a);
  writeFileSync(join(TMP, 'a'), data);
  writeFileSync(join(TMP, 'b'), backupData(b));
  const d = await sh`diff ${join(TMP, 'a')} ${join(TMP, 'b')}`;
  if (!d.ok) fail(`${what}: the rows differ from the backup's: ${headc(`${chomp(d.stdout)}\n`, 600)}`);
  if (!data) fail(`${what}: the backup holds no data`);
}
function rowsIn(file: string) {
  const n = { users: 0, posts: 0 };
  let t: keyof typeof n | '' = '';
  for (const l of lines(readFileSync(file, 'utf8'))) {
    if (/^COPY public\.users /.test(l)) t = 'users';
    else if (/^COPY public\.posts /.test(l)) t = 'posts';
    else if (l === '\\.') t = '';
    else if (t) n[t]++;
  }
  return `${n.users} users, ${n.posts} posts`;
}
async function helmTest() {
  const r = await sh2`docker exec ${C} helm test ${RELEASE} --namespace ${NS} --kubeconfig ${KUBECONFIG_IN} --timeout 5m`;
  const out = chomp(r.stdall);
  if (!r.ok) fail(`helm test: ${tail(out, 20)}`);
  if (!/Phase: *Succeeded/.test(out)) fail(`helm test did not succeed: ${tail(out, 20)}`);
  if (/Phase: *Failed/.test(out)) fail(`a helm test failed: ${tail(out, 20)}`);
  note(`  ${count(out, /Phase: *Succeeded/)} helm test pod(s) succeeded`);
}
async function newUser(name: string, target = BASE) {
  await expect('201', 'POST', '/users', JSON.stringify({ name }), '', target);
  return String(field('id'));
}
/** Runs `docker …` with the file as stdin; its output (stdout and stderr) and whether it exited 0. */
const withInput = (file: string, args: string[]) => $({ quiet: true, nothrow: true, input: readFileSync(file) })`docker ${args}`;
/** Runs `docker …` with stdout into the file, as `> file` does (byte for byte); stderr captured or dropped. */
async function toFile(file: string, args: string[], stderr: 'pipe' | 'ignore' = 'ignore') {
  const fd = openSync(file, 'w');
  try { return await $({ quiet: true, nothrow: true, stdio: ['pipe', fd, stderr] })`docker ${args}`; } finally { closeSync(fd); }
}

// What the phases hand on: the user and post they created, the request logged.
let reqId = '';
let user = '';
let userName = '';
let post = '';
let BOOT_PEAK = '';

const phases: Record<string, () => Promise<void>> = {
  async api() {
    const missing = 2147483647;
    const name = `e2e-${epoch()}-${random()}`;
    await expect('201', 'POST', '/users', JSON.stringify({ name }));
    const id = Number(field('id'));
    check((b) => b.name === name && typeof b.created_time === 'string' && /Z$/.test(b.created_time), 'POST /users body');
    reqId = last.reqId;
    if (!reqId) fail(`POST /users: no X-Request-Id header: ${chomp(last.headers)}`);
    await expect('200', 'GET', `/users/${id}`); check((b) => b.id === id && b.name === name, `GET /users/${id} body`);
    await expect('404', 'GET', `/users/${missing}`); check((b) => b.detail === 'User not found', `GET /users/${missing} body`);
    await expect('422', 'GET', '/users/abc'); check((b) => Array.isArray(b.detail), 'GET /users/abc body');
    await expect('422', 'POST', '/users', '{"name": ""}'); check((b) => same(at(b, 'detail', 0, 'loc'), ['body', 'name']), 'POST /users with an empty name');
    await expect('201', 'POST', '/posts', JSON.stringify({ user_id: id, content: 'hello from e2e' }));
    const pid = Number(field('post_id'));
    check((b) => b.user_id === id && b.content === 'hello from e2e', 'POST /posts body');
    await expect('200', 'GET', `/posts/${pid}`); check((b) => b.post_id === pid && b.user_id === id, `GET /posts/${pid} body`);
    await expect('404', 'GET', `/posts/${missing}`); check((b) => b.detail === 'Post not found', `GET /posts/${missing} body`);
    await expect('404', 'POST', '/posts', JSON.stringify({ user_id: missing, content: 'x' })); check((b) => b.detail === 'User not found', 'POST /posts for a missing user');
    await expect('422', 'POST', '/posts', JSON.stringify({ user_id: String(id), content: 'x' })); check((b) => same(at(b, 'detail', 0, 'loc'), ['body', 'user_id']), 'POST /posts with a string user_id');
    const page = id > 1 ? `/users?after=${id - 1}&limit=1` : '/users?limit=1';
    await expect('200', 'GET', page); check((b) => at(b, 'items', 0, 'id') === id, `GET ${page} pages to the new user`);
    // Counters are per API pod and the port balances over pods: more users, then the largest of a few scrapes.
    for (let i = 0; i < 3; i++) await expect('201', 'POST', '/users', '{"name": "e2e counter"}');
    let users = 0;
    let posts = 0;
    for (let i = 0; i < 8; i++) {
      if (await call('GET', '/metrics') !== '200') fail(`GET /metrics: ${body()}`);
      const text = last.body.toString();
      if (!/^# HELP users_created_total Total number of users created/m.test(text)) fail('/metrics lacks users_created_total\'s HELP');
      if (!/^# HELP posts_created_total Total number of posts created/m.test(text)) fail('/metrics lacks posts_created_total\'s HELP');
      for (const l of text.split('\n')) {
        const [k, v] = l.trim().split(/\s+/);
        const n = Math.trunc(parseFloat(v ?? '') || 0);
        if (k === 'users_created_total') users = Math.max(users, n);
        if (k === 'posts_created_total') posts = Math.max(posts, n);
      }
    }
    if (!(users >= 1 && posts >= 1)) fail(`/metrics counters did not count: users_created_total max ${users}, posts_created_total max ${posts}`);
    [user, userName, post] = [String(id), name, String(pid)];
    note(`  users_created_total up to ${users}, posts_created_total up to ${posts} (one pod per scrape)`);
  },

  // `wiki logs api`: the pino access line (api/http/access-log.ts) of the POST /users above, by its
  // X-Request-Id (api/http/request-id.ts). The API batches log writes, so a few tries.
  async logs() {
    const t0 = ms();
    let line: Obj | undefined;
    for (;;) {
      const r = await sh2`docker exec ${C} wiki logs api`;
      const out = chomp(r.stdall);
      if (!r.ok) fail(`wiki logs api exited non-zero: ${tail(out, 5)}`);
      line = out.split('\n').map((l) => parse(l.replace(/^\[pod\/[^\]]*\] /, '')))
        .find((v): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && v.reqId === reqId && v.msg === 'request');
      if (line) break;
      if (!(ms() - t0 < LOGS_TIMEOUT_S * 1000)) fail(`wiki logs api holds no access line with reqId ${reqId} (${out.split('\n').length} lines): ${tail(out, 3)}`);
      await sleep(1000);
    }
    if (!(line.method === 'POST' && line.route === '/users' && line.status === '201')) fail(`wiki logs api: the access line of ${reqId} is not POST /users 201: ${JSON.stringify(line)}`);
    const s = (v: Json | undefined) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
    note(`  wiki logs api: ${s(line.method)} ${s(line.route)} ${s(line.status)} reqId ${s(line.reqId)}`);
  },

  // `wiki status`: exit 0, the last line "healthy", every pod with all containers ready.
  async status() {
    const r = await sh2`docker exec ${C} wiki status`;
    const out = chomp(r.stdall);
    if (!r.ok) fail(`wiki status exited non-zero: ${out}`);
    if (out.split('\n').at(-1) !== 'healthy') fail(`wiki status does not end in healthy: ${out}`);
    const pods = count(out, /^ {2}[a-z0-9.-]+ +[0-9]+\/[0-9]+ +ready/);
    const unready = out.split('\n').map((l) => l.trim().split(/\s+/))
      .filter(([, ready, word]) => /^[0-9]+\/[0-9]+$/.test(ready ?? '') && word === 'ready')
      .filter(([, ready]) => { const [a, b] = ready!.split('/').map(Number); return a !== b || b === 0; })
      .map(([pod]) => pod).join('\n');
    if (!(pods > 0)) fail(`wiki status lists no pods: ${out}`);
    if (unready) fail(`wiki status: not ready: ${unready}`);
    note(`  wiki status: healthy, ${pods} pods ready`);
  },

  async grafana() {
    await expect('200', 'GET', '/grafana/api/health'); check((b) => b.database === 'ok', 'Grafana health');
    await expect('200', 'GET', '/grafana/api/dashboards/uid/creation-dashboard-678', '', `admin:${PASSWORD}`);
    check((b) => at(b, 'dashboard', 'uid') === 'creation-dashboard-678', 'the dashboard by uid');
    await expect('401', 'GET', '/grafana/api/dashboards/uid/creation-dashboard-678', '', `admin:not-${PASSWORD}`);
  },

  helm_test: helmTest,

  // `wiki backup`, one more user, `wiki restore --force`: the backup's rows and ids, that user gone,
  // and the next user gets the id after the backup's (the sequence was restored too).
  async backup_restore() {
    const backup = `${OUT}/backup.sql`;
    const b = await toFile(backup, ['exec', C, 'wiki', 'backup'], 'pipe');
    if (!b.ok) fail(`wiki backup exited non-zero: ${chomp(b.stderr)}`);
    const next = nextUserId(backup);
    if (!/^[0-9]+$/.test(next)) fail('wiki backup holds no users_id_seq position');
    note(`  wiki backup: ${rowsIn(backup)}, next user id ${next}`);
    const id = await newUser('e2e after the backup');
    if (Number(id) !== Number(next)) fail(`backup-restore: the user after the backup got id ${id}, expected ${next}`);
    const r = await withInput(backup, ['exec', '-i', C, 'wiki', 'restore', '--force']);
    if (!r.ok) fail(`wiki restore --force exited non-zero: ${chomp(r.stdall)}`);
    if (!(await toFile(`${OUT}/restored.sql`, ['exec', C, 'wiki', 'backup'])).ok) fail('wiki backup after the restore exited non-zero');
    await sameData(`backup-restore: wiki restore --force on ${C}`, backup, `${OUT}/restored.sql`);
    await expect('404', 'GET', `/users/${id}`);
    const after = await newUser('e2e after the restore');
    if (Number(after) !== Number(next)) fail(`backup-restore: the next user after the restore got id ${after}, expected ${next}`);
    note(`  wiki restore --force: the backup's rows and ids back, user ${id} gone, the next user got id ${after}`);
  },

  // The backup into a second, fresh appliance (same image, its own volume and port), then removed.
  async restore_fresh() {
    const t0 = ms();
    const backup = `${OUT}/backup.sql`;
    const quiet = $({ quiet: true, nothrow: true, stdio: ['pipe', 'ignore', 'ignore'] });
    // A leftover of an earlier run goes first: a kept volume would not be fresh.
    if ((await quiet`docker inspect ${FRESH}`).ok && !(await sh`docker rm -f ${FRESH}`).ok) fail(`docker rm -f ${FRESH} (a leftover)`);
    if ((await quiet`docker volume inspect ${`${FRESH}-data`}`).ok && !(await sh`docker volume rm ${`${FRESH}-data`}`).ok) fail(`docker volume rm ${FRESH}-data (a leftover)`);
    if (!(await sh`docker run -d --privileged -p ${`${FRESH_PORT}:8080`} --name ${FRESH} -v ${`${FRESH}-data:/var/lib/docker`} ${IMAGE}`).ok) fail(`docker run ${FRESH}`);
    await waitReady(FRESH, 0);
    note(`  ${FRESH} READY in ${since(t0)} on port ${FRESH_PORT}`);
    const r = await withInput(backup, ['exec', '-i', FRESH, 'wiki', 'restore']);
    if (!r.ok) fail(`wiki restore into ${FRESH} exited non-zero: ${chomp(r.stdall)}`);
    if (!(await toFile(`${OUT}/fresh.sql`, ['exec', FRESH, 'wiki', 'backup'])).ok) fail(`wiki backup of ${FRESH} exited non-zero`);
    await sameData(`restore-fresh: wiki restore into ${FRESH}`, backup, `${OUT}/fresh.sql`);
    const next = nextUserId(backup);
    const host = BASE.includes(':') ? BASE.slice(0, BASE.lastIndexOf(':')) : BASE;
    const id = await newUser('e2e on the fresh appliance', `${host}:${FRESH_PORT}`);
    if (Number(id) !== Number(next)) fail(`restore-fresh: the next user on ${FRESH} got id ${id}, expected ${next}`);
    note(`  wiki restore into ${FRESH}: ${rowsIn(`${OUT}/fresh.sql`)}, the next user got id ${id}`);
    if (!(await sh`docker rm -f ${FRESH}`).ok) fail(`docker rm -f ${FRESH}`);
    if (!(await sh`docker volume rm ${`${FRESH}-data`}`).ok) fail(`docker volume rm ${FRESH}-data`);
  },

  async restart() {
    const before = await readyBanners(C);
    const t0 = ms();
    if (!(await sh`docker restart --time 30 ${C}`).ok) fail(`docker restart ${C}`);
    await waitReady(C, before);
    note(`  READY again ${since(t0)} after docker restart`);
    await expect('200', 'GET', `/users/${user}`); check((b) => b.name === userName, `user ${user} after the restart`);
    await expect('200', 'GET', `/posts/${post}`); check((b) => b.user_id === Number(user), `post ${post} after the restart`);
  },

  // The admin password changed as a user does (Grafana's API), then docker restart: READY (the boot's
  // probe reads the dashboard anonymously), the new password still valid, helm test green.
  async grafana_password() {
    const next = `e2e-${random()}-${epoch()}`;
    await expect('200', 'PUT', '/grafana/api/user/password', JSON.stringify({ oldPassword: PASSWORD, newPassword: next, confirmNew: next }), `admin:${PASSWORD}`);
    await expect('200', 'GET', '/grafana/api/dashboards/uid/creation-dashboard-678', '', `admin:${next}`);
    await expect('401', 'GET', '/grafana/api/dashboards/uid/creation-dashboard-678', '', `admin:${PASSWORD}`);
    PASSWORD = next;
    const before = await readyBanners(C);
    const t0 = ms();
    if (!(await sh`docker restart --time 30 ${C}`).ok) fail(`docker restart ${C}`);
    await waitReady(C, before);
    note(`  password changed; READY again ${since(t0)} after docker restart`);
    await expect('200', 'GET', '/grafana/api/dashboards/uid/creation-dashboard-678', '', `admin:${next}`);
    await helmTest();
  },

  // docker kill while the boot is in its release phase (helm upgrade --install), then docker start: READY.
  async kill_release() {
    let logs = await logsOf(C);
    const starts = releaseStarts(logs);
    const banners = bannersIn(logs);
    let t0 = ms();
    if (!(await sh`docker restart --time 30 ${C}`).ok) fail(`docker restart ${C}`);
    // One `docker logs` per poll: the kill must follow the release's start line closely.
    while (logs = await logsOf(C), releaseStarts(logs) <= starts) {
      if (bannersIn(logs) !== banners) fail('kill-release: READY before the release phase was seen');
      if (!(ms() - t0 < READY_TIMEOUT_S * 1000)) fail(`kill-release: no release phase within ${READY_TIMEOUT_S}s: ${tail(logs, 30)}`);
      await sleep(KILL_POLL_S * 1000);
    }
    if (!(await sh`docker kill ${C}`).ok) fail(`docker kill ${C}`);
    const line = await lastPhaseLine(C);
    if (!line.includes('] release: ')) fail(`kill-release: the kill landed after the release phase (last line: ${line})`);
    note(`  killed ${since(t0)} after docker restart, in: ${line.slice(line.indexOf('] ') + 2)}`);
    t0 = ms();
    if (!(await sh`docker start ${C}`).ok) fail(`docker start ${C}`);
    await waitReady(C, banners);
    note(`  READY again ${since(t0)} after docker start`);
    await expect('200', 'GET', `/users/${user}`); check((b) => b.name === userName, `user ${user} after the kill`);
  },

  // The rebuilt image on the same volume (README "Upgrading to a rebuilt image"): rows kept, the API
  // Deployment on the new image's API reference, and its ReplicaSet the one serving.
  async upgrade() {
    const port = BASE.slice(BASE.lastIndexOf(':') + 1);
    const before = await apiDeploymentImage() ?? fail('upgrade: the API Deployment\'s image before');
    const vol = chomp((await sh`docker inspect -f ${'{{range .Mounts}}{{if eq .Destination "/var/lib/docker"}}{{.Name}}{{end}}{{end}}'} ${C}`).stdout);
    if (!vol) fail(`upgrade: ${C} has no volume at /var/lib/docker`);
    const t0 = ms();
    if (!(await sh`docker stop --time 60 ${C}`).ok) fail(`upgrade: docker stop ${C}`);
    if (!(await sh`docker rm ${C}`).ok) fail(`upgrade: docker rm ${C} (its volume stays)`);
    if (!(await sh`docker run -d --privileged -p ${`${port}:8080`} --name ${C} -v ${`${vol}:/var/lib/docker`} ${UPGRADE_IMAGE}`).ok) fail(`docker run ${UPGRADE_IMAGE} on ${vol}`);
    await waitReady(C, 0);
    note(`  ${UPGRADE_IMAGE} READY in ${since(t0)} on the volume ${vol}`);
    const refOut = await sh`docker exec ${C} cat /opt/wiki/images/wiki-api.ref`;
    if (!refOut.ok) fail(`upgrade: no API reference in ${UPGRADE_IMAGE}`);
    const ref = chomp(refOut.stdout);
    const after = await apiDeploymentImage() ?? fail('upgrade: the API Deployment\'s image after');
    if (after === before) fail(`upgrade: the API Deployment still runs ${before}`);
    if (after !== ref) fail(`upgrade: the API Deployment runs ${after}, the new image bundles ${ref}`);
    const rs = await kube(['get', 'replicasets', '--namespace', NS, '--selector', API_SELECTOR, '--output', 'json']);
    if (!rs.ok) fail('upgrade: kubectl get replicasets');
    const items = at(parse(rs.stdout), 'items');
    const list = Array.isArray(items) ? items : [];
    const image = (i: Json) => at(i, 'spec', 'template', 'spec', 'containers', 0, 'image') ?? null;
    const replicas = (i: Json) => at(i, 'spec', 'replicas') ?? null;
    const positive = (i: Json) => { const n = replicas(i); return typeof n === 'number' && n > 0; };
    const ready = list.filter((i) => image(i) === after && positive(i) && same(at(i, 'status', 'readyReplicas') ?? null, replicas(i)));
    if (!Array.isArray(items) || ready.length !== 1) {
      fail(`upgrade: no ready ReplicaSet of ${after}: ${JSON.stringify(list.map((i) => ({ name: at(i, 'metadata', 'name') ?? null, image: image(i), replicas: replicas(i), ready: at(i, 'status', 'readyReplicas') ?? null })))}`);
    }
    if (list.some((i) => image(i) !== after && positive(i))) {
      fail(`upgrade: an old API ReplicaSet still has replicas: ${JSON.stringify(list.map((i) => ({ name: at(i, 'metadata', 'name') ?? null, image: image(i), replicas: replicas(i) })))}`);
    }
    await expect('200', 'GET', `/users/${user}`); check((b) => b.name === userName, `user ${user} after the upgrade`);
    await expect('200', 'GET', `/posts/${post}`); check((b) => b.user_id === Number(user), `post ${post} after the upgrade`);
    note(`  API ${before} → ${after}, its ReplicaSet serving; user ${user} and post ${post} kept`);
  },

  async budget() {
    await stopSampler();
    const stats = `${OUT}/stats.tsv`;
    if (!(statSync(stats).size > 0)) fail(`docker stats gave no sample for ${C}`);
    const samples = readFileSync(stats, 'utf8');
    const rows = lines(samples).map((l) => l.split('\t'));
    const cpu = Math.max(0, ...rows.map(([, c]) => parseFloat(c ?? '') || 0)).toFixed(1);
    let mem = Math.max(0, ...rows.map(([, , ...used]) => toBytes(used.join('\t'))));
    // The cgroup's high-water marks: the first boot's (read before anything restarted it) and the current one's.
    const peak = await memoryPeak(C);
    if (/^[0-9]+$/.test(peak) && Number(peak) > mem) mem = Number(peak);
    if (/^[0-9]+$/.test(BOOT_PEAK) && Number(BOOT_PEAK) > mem) mem = Number(BOOT_PEAK);
    const { disk, parts } = await diskBreakdown();
    note(`  peak CPU ${cpu}% of ${BUDGET_CPU_PCT}% (docker stats, ${samples.split('\n').length - 1} samples)`);
    note(`  peak memory ${mib(mem)} of ${mib(BUDGET_MEM_BYTES)}${BOOT_PEAK ? ` (first boot: cgroup memory.peak ${mib(Number(BOOT_PEAK))})` : ''}`);
    note(`  volume /var/lib/docker ${mb(disk)} of ${mb(BUDGET_DISK_BYTES)}`);
    for (const p of parts.filter((x) => x.depth === 1)) note(`    ${mb(p.bytes).padStart(7)}  ${p.what}`);
    note('    in volumes/, the k3s node\'s data:');
    for (const p of parts.filter((x) => x.depth === 2)) note(`      ${mb(p.bytes).padStart(7)}  ${p.what}`);
    if (Number(cpu) > BUDGET_CPU_PCT) note('  note: CPU peaked above the budget (bursts at boot count too)');
    const over: string[] = [];
    if (!(mem <= BUDGET_MEM_BYTES)) over.push(`peak memory ${mib(mem)} is over the 4 GiB budget`);
    if (!(disk <= BUDGET_DISK_BYTES)) over.push(`the volume holds ${disk} bytes, over the 5 GB budget`);
    if (over.length) fail(over.join('; '));
  },
};

/**
 * The volume per component, from du inside the appliance: the inner engine's directories (overlay2:
 * the k3s and k3d-tools images and containers), and within volumes/ the k3s node's data: containerd's
 * images and each PVC under local-path's storage. $OUT/disk.tsv: bytes, depth, what.
 */
async function diskBreakdown() {
  const topR = await sh`docker exec ${C} du -x -B1 --max-depth=1 /var/lib/docker`;
  const top = chomp(topR.stdout);
  if (!topR.ok) fail(`du of /var/lib/docker in ${C}: ${top}`);
  const volsR = await sh`docker exec ${C} du -x -B1 --max-depth=4 /var/lib/docker/volumes`;
  const vols = chomp(volsR.stdout);
  if (!volsR.ok) fail(`du of /var/lib/docker/volumes in ${C}: ${vols}`);
  const du = (s: string) => s.split('\n').map((l) => { const [n = '', p = ''] = l.split('\t'); return { n, p }; });
  const disk = du(top).filter((r) => r.p === '/var/lib/docker').map((r) => r.n).join('\n');
  if (!/^[0-9]+$/.test(disk)) fail(`du of /var/lib/docker in ${C}: ${top}`);
  // sort -t$'\t' -k1,1nr: the largest first.
  const bySize = (a: { bytes: number; line: string }, b: { bytes: number; line: string }) => b.bytes - a.bytes || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0);
  const part = (bytes: number, depth: number, what: string) => ({ bytes, depth, what, line: `${bytes}\t${depth}\t${what}` });
  const first = du(top).filter((r) => /^\/var\/lib\/docker\/[^/]+$/.test(r.p) && (parseFloat(r.n) || 0) >= 1_000_000)
    .map((r) => part(parseFloat(r.n) || 0, 1, r.p.replace(/^\/var\/lib\/docker\//, ''))).sort(bySize);
  const second = du(vols).flatMap((r) => [
    ...(/\/_data\/agent\/containerd$/.test(r.p) ? [part(parseFloat(r.n) || 0, 2, 'k3s containerd (images)')] : []),
    ...(/\/_data\/storage\/pvc-[^/]+$/.test(r.p) ? [part(parseFloat(r.n) || 0, 2, `PVC ${r.p.replace(/.*\/pvc-[^_]+_[^_]+_/, '')}`)] : []),
  ]).sort(bySize);
  const parts = [...first, ...second];
  writeFileSync(`${OUT}/disk.tsv`, parts.map((p) => `${p.line}\n`).join(''));
  return { disk: Number(disk), parts };
}

async function main() {
  note(`# scripts/e2e.ts ${BASE} ${C}`);
  // First, before any phase restarts the container (a restart recreates its cgroup and so the peak).
  BOOT_PEAK = process.env.E2E_BOOT_MEMORY_PEAK || await memoryPeak(C!);
  if (!/^[0-9]+$/.test(BOOT_PEAK)) BOOT_PEAK = '';
  startSampler();
  const run = ['api', 'logs', 'status', 'grafana', 'helm_test', 'backup_restore'];
  // Outside CI a phase that needs an image may be left out, saying so; in CI (CI=true) every phase runs.
  const optional = (phase: string, value: string, what: string) => {
    if (value) { run.push(phase); return; }
    if (process.env.CI === 'true') fail(`${phase.replaceAll('_', '-')}: ${what} is required when CI=true`);
    note(`e2e: ${phase.replaceAll('_', '-')} skipped (no ${what})`);
  };
  optional('restore_fresh', IMAGE, 'E2E_IMAGE');
  run.push('restart', 'grafana_password', 'kill_release');
  optional('upgrade', UPGRADE_IMAGE, 'E2E_UPGRADE_IMAGE');
  run.push('budget');
  for (const phase of run) {
    const t0 = ms();
    await phases[phase]!();
    note(`e2e: ${phase.replaceAll('_', '-')} ok in ${since(t0)}`);
  }
  note('e2e: all phases passed');
}

try {
  await main();
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  console.error(`FAILED: ${e.message}`);
  appendFileSync(`${OUT}/summary.md`, `FAILED: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  await stopSampler();
  rmSync(TMP, { recursive: true, force: true });
}
