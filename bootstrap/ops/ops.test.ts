/**
 * The operator commands as `wiki <command>` runs them (start-cluster.ts through a link named `wiki`, as
 * the image installs it); each command's own options and --help. Backup and restore: the
 * argv after `kubectl exec … --` runs, through the fake kubectl, with exactly the environment the chart
 * renders for the PostgreSQL container, against a real PostgreSQL 18 initialised as the official image
 * does, on a volume made by this chart and by the previous one (test/support/postgres-pod.ts).
 * `wiki status` and `wiki logs` read the fake's `kubectl get pods -o json` and logs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appOn } from '../../test/support/api.ts';
import { ROOT } from '../../test/support/root.ts';
import { FAKES, fakeHome } from '../../test/support/appliance.ts';
import { renderAppliance } from '../../test/support/helm.ts';
import { startPostgresPod, type PostgresPod } from '../../test/support/postgres-pod.ts';
import { nodeArgs, programFile } from '../../test/support/programs.ts';
import { requirePgClients, requireTool } from '../../test/support/tools.ts';

const PG_BIN = process.env.WIKI_PG_BIN;

/** `wiki` as the image installs it: a link to the entrypoint program. */
const WIKI = join(mkdtempSync(join(tmpdir(), 'wiki-bin-')), 'wiki');
symlinkSync(programFile('start-cluster'), WIKI);

/** Runs `wiki <args>` (or the entrypoint by its own name) with the fakes on PATH; stdout and stderr apart. */
function wiki(args: string[], env: Record<string, string>, input?: string, { program = WIKI } = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs(program), ...args], {
    cwd: ROOT, input, encoding: 'utf8', maxBuffer: 1 << 30,
    env: { PATH: `${FAKES}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root', WIKI_PG_BIN: PG_BIN ?? '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function world() {
  const state = mkdtempSync(join(tmpdir(), 'wiki-10-ops-'));
  mkdirSync(join(state, 'wiki'));
  return { state, env: { FAKE_STATE: state, WIKI_STATE_DIR: join(state, 'wiki'), WIKI_HOME: fakeHome() } };
}

for (const layout of ['this chart', 'previous chart'] as const) {
  describe(`wiki backup / wiki restore in the chart's PostgreSQL container (a volume made by ${layout}), real PostgreSQL 18`, () => {
    let src: PostgresPod;
    let dst: PostgresPod;
    let srcApp: Awaited<ReturnType<typeof appOn>>;
    let dstApp: Awaited<ReturnType<typeof appOn>>;
    const w = world();
    const inPod = (pod: PostgresPod) => ({ ...w.env, FAKE_POD_EXEC_ENV: JSON.stringify(pod.execEnv) });
    const rows = async (db: typeof srcApp) => ({
      users: await db.sql`SELECT id, name, created_time FROM users ORDER BY id`,
      posts: await db.sql`SELECT post_id, user_id, content, created_time FROM posts ORDER BY post_id`,
    });
    const post = async (db: typeof srcApp, path: string, body: unknown) => {
      const r = await db.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 201);
      return (await r.json()) as { id?: number; post_id?: number };
    };
    let dump = '';

    before(async (t) => {
      if (!requirePgClients(t as never) || !requireTool(t as never, 'helm')) return;
      [src, dst] = await Promise.all([startPostgresPod(renderAppliance(), layout), startPostgresPod(renderAppliance(), layout)]);
      // The API migrates as its own role, as its pods do on first start.
      srcApp = await appOn(src.apiUrl, { reset: false });
      dstApp = await appOn(dst.apiUrl, { reset: false });
      for (const name of ['Alice', 'Bob', 'Charlie', 'Dora']) await post(srcApp, '/users', { name });
      await post(srcApp, '/posts', { user_id: 1, content: 'first post, with a tab\there and a \\backslash' });
      await post(srcApp, '/posts', { user_id: 2, content: 'héllo ✓' });
      // Dora is gone: the sequence is ahead of the rows, as after any delete (or failed insert).
      await srcApp.sql`DELETE FROM users WHERE id = 4`;
    });
    after(async () => { await srcApp?.close(); await dstApp?.close(); await src?.destroy(); await dst?.destroy(); });

    it('the pod\'s environment has no POSTGRES_DB: the exec reaches the wiki database through WIKI_DB_*', (t) => {
      if (!requirePgClients(t) || !requireTool(t, 'helm')) return;
      assert.equal(src.execEnv.POSTGRES_DB, undefined);
      assert.equal(src.execEnv.PGPASSWORD, undefined, 'the fake sets nothing the chart does not');
    });

    it('backup: the data of the wiki database, row counts on stderr', (t) => {
      if (!requirePgClients(t) || !requireTool(t, 'helm')) return;
      const r = wiki(['backup'], inPod(src));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, 'wiki backup: 3 users, 2 posts from wiki-postgresql-0\n');
      assert.match(r.stdout, /^-- PostgreSQL database dump$/m);
      assert.match(r.stdout, /^COPY public\.users \(id, name, created_time\) FROM stdin;$/m);
      assert.match(r.stdout, /setval\('public\.users_id_seq', 4, true\)/);
      assert.doesNotMatch(r.stdout, /CREATE TABLE|schema_migrations/, 'data only: the schema is the API\'s migrations');
      dump = r.stdout;
    });

    it('restore into a second, fresh appliance: same rows and ids, and the next user gets the next id', async (t) => {
      if (!requirePgClients(t) || !dump) return;
      const r = wiki(['restore'], inPod(dst), dump);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, 'wiki restore: 3 users, 2 posts restored into wiki-postgresql-0 (the backup held 3 users, 2 posts)\n');
      assert.deepEqual(await rows(dstApp), await rows(srcApp));
      assert.equal((await post(dstApp, '/users', { name: 'Eve' })).id, 5, 'after the restored sequence, not max(id)+1');
      assert.equal((await post(dstApp, '/posts', { user_id: 1, content: 'again' })).post_id, 3);
    });

    it('restore into a database with rows: refused without --force, nothing changed', async (t) => {
      if (!requirePgClients(t) || !dump) return;
      const before = await rows(dstApp);
      const r = wiki(['restore'], inPod(dst), dump);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'wiki restore: the database already holds 4 users and 3 posts; nothing was changed (add --force to replace them)\n');
      assert.deepEqual(await rows(dstApp), before);
    });

    it('restore --force -i FILE on the same appliance: replaces the rows in one transaction', async (t) => {
      if (!requirePgClients(t) || !dump) return;
      const file = join(w.state, 'wiki.sql');
      writeFileSync(file, dump);
      for (const pod of [dst, src]) {
        const r = wiki(['restore', '--force', '-i', file], inPod(pod));
        assert.equal(r.code, 0, r.stderr);
      }
      assert.deepEqual(await rows(dstApp), await rows(srcApp));
      assert.equal((await post(dstApp, '/users', { name: 'Eve' })).id, 5);
      assert.equal((await post(srcApp, '/users', { name: 'Eve' })).id, 5);
    });

    it('garbage, a cut-off file, or a dump failing half-way: a clear error, and nothing changed', async (t) => {
      if (!requirePgClients(t) || !dump) return;
      const before = await rows(dstApp);
      const env = inPod(dst);
      const garbage = wiki(['restore', '--force'], env, 'DROP TABLE users;\n');
      assert.equal(garbage.code, 1);
      assert.match(garbage.stderr, /^wiki restore: not a wiki backup: no "-- PostgreSQL database dump" header .*; nothing was changed\n$/);
      const cut = wiki(['restore', '--force'], env, dump.slice(0, dump.indexOf('\\.')));
      assert.equal(cut.code, 1);
      assert.match(cut.stderr, /the backup is incomplete/);
      // Passes the format check, then a bad row inside COPY: psql stops, the transaction (TRUNCATE included) is rolled back.
      const bad = dump.replace(/^(1\t)Alice\t/m, 'not-a-number\tAlice\t');
      assert.notEqual(bad, dump);
      const half = wiki(['restore', '--force'], env, bad);
      assert.equal(half.code, 1);
      assert.match(half.stderr, /^wiki restore: invalid input syntax for type integer: "not-a-number".* \(the transaction was rolled back: nothing was changed\)\n$/);
      assert.deepEqual(await rows(dstApp), before);
      assert.ok(!readFileSync(join(w.state, 'calls.jsonl'), 'utf8').includes('DROP TABLE'), 'garbage never reached the pod');
    });
  });
}

describe('wiki status and wiki logs against the fakes', () => {
  const ready = (w: ReturnType<typeof world>) => writeFileSync(join(w.state, 'wiki/boot-state.json'), JSON.stringify({ phase: 'READY', since: '2026-11-21T10:03:00.000Z' }));

  it('READY with every pod ready: phase, versions, each pod with ready containers and restarts, URLs; exit 0', () => {
    const w = world();
    ready(w);
    const r = wiki(['status'], w.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^phase {5}READY \(since 2026-11-21T10:03:00\.000Z\)$/m);
    assert.match(r.stdout, /^versions {2}k3s v1\.35\.5\+k3s1, k3d v5\.9\.0, helm v4\.3\.0, API wiki-appliance\/api:0\.1\.0, linux\/\w+$/m);
    assert.match(r.stdout, /^ {2}wiki-postgresql-0 +1\/1 +ready +0 restarts {2}Running$/m);
    assert.match(r.stdout, /^ {2}wiki-grafana-6c7d8-pqrst +1\/1 +ready +1 restarts {2}Running$/m);
    assert.equal(r.stdout.match(/^ {2}wiki-/gm)?.length, 5);
    assert.match(r.stdout, /^urls {6}http:\/\/localhost:8080\/users/m);
    assert.match(r.stdout, /^healthy$/m);
    const call = readFileSync(join(w.state, 'calls.jsonl'), 'utf8');
    assert.match(call, /"get","pods","--namespace","wiki","--selector","app.kubernetes.io\/instance=wiki","--output","json"/);
  });

  it('a crash-looping pod, or a boot not yet READY: not healthy, exit 1', () => {
    const w = world();
    ready(w);
    const r = wiki(['status'], { ...w.env, FAKE_PODS: 'unready' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^ {2}wiki-api-7d9c8-abcde +0\/1 +ready +4 restarts {2}Running$/m);
    assert.match(r.stdout, /^not healthy$/m);
    const booting = world();
    writeFileSync(join(booting.state, 'wiki/boot-state.json'), JSON.stringify({ phase: 'release', since: '2026-11-21T10:02:00.000Z' }));
    const b = wiki(['status'], booting.env);
    assert.equal(b.code, 1);
    assert.match(b.stdout, /^phase {5}release \(since/m);
  });

  it('wiki logs [component]: the release\'s pods (of that component) with their names; an unknown one is exit 2', () => {
    const w = world();
    const api = wiki(['logs', 'api'], w.env);
    assert.equal(api.code, 0, api.stderr);
    assert.deepEqual(api.stdout.trim().split('\n').map((l) => l.split(' ')[0]), ['[pod/wiki-api-7d9c8-abcde/api]', '[pod/wiki-api-7d9c8-fghij/api]']);
    assert.equal(wiki(['logs'], w.env).stdout.trim().split('\n').length, 5);
    const bad = wiki(['logs', 'redis'], w.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown component redis: one of api, postgresql, prometheus, grafana/);
  });

  it('--help lists the subcommands', () => {
    const r = wiki(['--help'], world().env);
    for (const c of ['status', 'backup [-o FILE]', 'restore [-i FILE] [--force]', 'logs [api|postgresql|prometheus|grafana]']) assert.ok(r.stdout.includes(`  ${c}`), c);
  });
});

describe('each command takes its own options; messages name the program run', () => {
  it('wiki <command> --help: that command\'s usage and options, exit 0, nothing run', () => {
    const w = world();
    const backup = wiki(['backup', '--help'], w.env);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /^usage: wiki backup \[-o FILE\]\n/);
    assert.match(backup.stdout, /^ {2}-o, --output FILE {2}write the backup to FILE/m);
    assert.doesNotMatch(backup.stdout, /--force|--input/);
    const restore = wiki(['restore', '-h'], w.env);
    assert.equal(restore.code, 0);
    assert.match(restore.stdout, /^usage: wiki restore \[-i FILE\] \[--force\]\n/);
    for (const o of ['-i, --input FILE', '--force', '-h, --help']) assert.ok(restore.stdout.includes(`  ${o} `), o);
    assert.match(wiki(['logs', '--help'], w.env).stdout, /^usage: wiki logs \[api\|postgresql\|prometheus\|grafana\]\n/);
    assert.ok(!existsSync(join(w.state, 'calls.jsonl')), 'no tool was run');
  });

  it('an option of another command, or an argument too many: exit 2 naming the command and its options', () => {
    const w = world();
    const status = wiki(['status', '--force'], w.env);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /^wiki status: unknown option --force\n\nusage: wiki status\n/);
    assert.match(status.stderr, /^options:\n {2}-h, --help /m);
    const backup = wiki(['backup', '-i', 'wiki.sql'], w.env);
    assert.equal(backup.code, 2);
    assert.match(backup.stderr, /^wiki backup: unknown option -i\n/);
    assert.match(backup.stderr, /^ {2}-o, --output FILE /m);
    const missing = wiki(['backup', '-o'], w.env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^wiki backup: -o\/--output needs a FILE\n/);
    const logs = wiki(['logs', 'api', 'grafana'], w.env);
    assert.equal(logs.code, 2);
    assert.match(logs.stderr, /^wiki logs: unexpected argument grafana\n/);
    assert.ok(!existsSync(join(w.state, 'calls.jsonl')), 'no tool was run');
  });

  it('errors and usage name the program as run: `wiki` through the link, `start-cluster` by its own name', () => {
    const w = world();
    const asEntrypoint = wiki(['status', '--force'], w.env, undefined, { program: programFile('start-cluster') });
    assert.equal(asEntrypoint.code, 2);
    assert.match(asEntrypoint.stderr, /^start-cluster status: unknown option --force\n\nusage: start-cluster status\n/);
    const bad = wiki(['status'], { ...w.env, WIKI_HOST_PORT: 'eighty' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^wiki: invalid environment: WIKI_HOST_PORT: /);
    const unknown = wiki(['--bogus'], w.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^wiki: unknown option --bogus\n\n[^]*^usage: wiki \[--dry-run\] \[--probe\] \[--help\]$/m);
    assert.match(wiki(['frob'], w.env).stderr, /^wiki: unknown command frob\n/);
  });
});
