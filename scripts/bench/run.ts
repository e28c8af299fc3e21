/**
 * `npm run bench` (after `npm run build`, which it runs): autocannon against the API and the bare reference app on the same PostgreSQL.
 * Each round runs API, reference, reference, API (the next round the other way round), so that
 * both apps take each place in a round equally and a drift of the machine's speed within the round
 * cancels; the round's ratio is the API's mean throughput over the reference's. It prints the
 * median of the rounds' ratios (and their range), p50/p99 and peak RSS, against the targets
 * (API/reference throughput ≥ 0.85, p99 ≤ 1.5×, API peak RSS ≤ 150 MB), and each app's CPU time
 * per request (from /proc). Env: BENCH_SECONDS (each app's load per round, default 5),
 * BENCH_ROUNDS (default 5), BENCH_CONNECTIONS (default 20), BENCH_API_NODE_OPTIONS (instead of the
 * image's NODE_OPTIONS, to try V8 settings), BENCH_API_SCRIPT (another build of the API to
 * compare), BENCH_ROUTES (comma-separated labels), BENCH_VERBOSE (every run).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { migrate } from '../../api/db/migrate.ts';
import { readVersions } from '../../bootstrap/config/pins.ts';
import { createSql } from '../../api/db/client.ts';
import { ROOT } from '../../test/support/root.ts';
import { untilOk } from '../../test/support/http.ts';
import { freePort, startPostgres } from '../../test/support/postgres.ts';

/** The API runs with the image's V8 flags (API_NODE_OPTIONS in versions.env), as it does in production. */
const IMAGE_NODE_OPTIONS = process.env.BENCH_API_NODE_OPTIONS ?? readVersions().API_NODE_OPTIONS!;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ONLY = process.env.BENCH_ROUTES?.split(',');
const VERBOSE = Boolean(process.env.BENCH_VERBOSE);
const POOL = '10';

type Target = { name: string; url: string; child: ChildProcess };
const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
/** The process's CPU time (user + system, all threads) in ms, from /proc (clock ticks of 10 ms). */
const cpuMs = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).reduce((a, t) => a + Number(t) * 10, 0);

async function start(name: string, script: string, env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DB_POOL_MAX: POOL, NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  await untilOk(`${url}/healthz/ready`, { what: `${name} to start` });
  return { name, url, child };
}

type Route = { label: string; opts: (url: string) => autocannon.Options };
const json = { 'content-type': 'application/json' };
const ROUTES: Route[] = [
  { label: 'POST /users', opts: (url) => ({ url: `${url}/users`, method: 'POST', headers: json, body: '{"name":"bench user"}' }) },
  { label: 'GET /users/{id}', opts: (url) => ({ url, requests: [{ method: 'GET', setupRequest: (r: autocannon.Request) => ({ ...r, path: `/users/${1 + Math.floor(Math.random() * 1000)}` }) }] }) },
  { label: 'POST /posts', opts: (url) => ({ url: `${url}/posts`, method: 'POST', headers: json, body: '{"user_id":1,"content":"a benchmark post body"}' }) },
];

const run = (opts: autocannon.Options) => new Promise<autocannon.Result>((resolve, reject) =>
  autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, res) => (err ? reject(err) : resolve(res))));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const pg = await startPostgres();
const setup = createSql({ url: pg.url, port: 0, name: '', user: '', poolMax: 2, connectTimeoutS: 5 });
await migrate(setup);
await setup`INSERT INTO users (name) SELECT 'seed ' || g FROM generate_series(1, 1000) g`;
await setup.end();

const api = await start('api', process.env.BENCH_API_SCRIPT ?? 'dist/api/server.js', { DATABASE_URL: pg.url, LOG_LEVEL: 'info', NODE_OPTIONS: IMAGE_NODE_OPTIONS });
const ref = await start('reference', 'dist/bench/reference.js', { DATABASE_URL: pg.url });
const rows: string[] = [];
const verdicts: boolean[] = [];
try {
  for (const route of ROUTES.filter((r) => !ONLY || ONLY.includes(r.label))) {
    const samples = { api: [] as autocannon.Result[], reference: [] as autocannon.Result[] };
    const cpu = { api: 0, reference: 0 };
    const ratios: number[] = [];
    await run({ ...route.opts(api.url), duration: 1 }); // warm both JITs
    await run({ ...route.opts(ref.url), duration: 1 });
    for (let i = 0; i < ROUNDS; i++) {
      // ABBA, then BAAB: each app runs first, second, third and fourth equally often.
      const order = i % 2 ? [ref, api, api, ref] : [api, ref, ref, api];
      const rps = { api: 0, reference: 0 };
      for (const t of order) {
        const name = t.name as 'api' | 'reference';
        const cpu0 = cpuMs(t.child.pid!);
        const r = await run({ ...route.opts(t.url), duration: SECONDS / 2 });
        cpu[name] += cpuMs(t.child.pid!) - cpu0;
        if (r.non2xx || r.errors) throw new Error(`${t.name} ${route.label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        samples[name].push(r);
        rps[name] += r.requests.average / 2;
        if (VERBOSE) console.error(`${route.label} round ${i + 1} ${t.name}: ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms`);
      }
      ratios.push(rps.api / rps.reference);
    }
    const stat = (rs: autocannon.Result[]) => ({ rps: median(rs.map((r) => r.requests.average)), p50: median(rs.map((r) => r.latency.p50)), p99: median(rs.map((r) => r.latency.p99)) });
    const a = stat(samples.api); const b = stat(samples.reference);
    const ratio = median(ratios); const p99x = a.p99 / Math.max(b.p99, 1);
    const usPerReq = (name: 'api' | 'reference') => (cpu[name] * 1000) / samples[name].reduce((n, r) => n + r.requests.total, 0);
    const cpuA = usPerReq('api'); const cpuB = usPerReq('reference');
    verdicts.push(ratio >= 0.85, p99x <= 1.5);
    rows.push(`| ${route.label} | ${a.rps.toFixed(0)} | ${b.rps.toFixed(0)} | **${ratio.toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${a.p50} / ${a.p99} | ${b.p50} / ${b.p99} | ${p99x.toFixed(2)} | ${cpuA.toFixed(0)} / ${cpuB.toFixed(0)} (${(cpuB / cpuA).toFixed(2)}) |`);
  }
  const rssApi = peakRssMb(api.child.pid!); const rssRef = peakRssMb(ref.child.pid!);
  verdicts.push(rssApi <= 150);
  console.log(`\n${ROUNDS} rounds (API, reference, reference, API, then the other way round; ${SECONDS / 2}s each) per route, ${CONNECTIONS} connections, pool ${POOL}; ratio: median of the rounds' (range), the rest medians of all runs:\n`);
  console.log('| route | API req/s | reference req/s | ratio (≥ 0.85), rounds\' range | API p50 / p99 ms | reference p50 / p99 ms | p99 ratio (≤ 1.5) | CPU µs/request API / reference (ratio) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  console.log(`\nPeak RSS under load: API ${rssApi.toFixed(0)} MB (≤ 150), reference ${rssRef.toFixed(0)} MB`);
  console.log(verdicts.every(Boolean) ? 'bench: all targets met' : 'bench: TARGET MISSED');
  process.exitCode = verdicts.every(Boolean) ? 0 : 1;
} finally {
  for (const t of [api, ref]) t.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await pg.destroy();
}
