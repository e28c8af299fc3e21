/** The test command's own promises: nothing outside the clone is named (but in .ci/), and leftover processes fail the run. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { it } from 'node:test';
import { cpuFloor, cpuStat, Steps } from '../scripts/lib/steps.ts';
import { setup, SETUP } from '../scripts/setup.ts';
import { ROOT } from './support/root.ts';

// The CI machines' folder beside the clone, spelled so that this file does not name it itself.
const SHARED = ['..', 'shared'].join('/');

it('no tracked file outside .ci/ names the CI machines\' folder beside the clone', () => {
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  assert.ok(files.length > 50, 'git ls-files listed the checkout');
  const naming = files.filter((f) => !f.startsWith('.ci/') && readFileSync(`${ROOT}${f}`, 'latin1').includes(SHARED));
  assert.deepEqual(naming, []);
  assert.ok(readFileSync(`${ROOT}.ci/run`, 'utf8').includes(`${SHARED}/scripts/docker-engine.sh`), '.ci/run is where the CI machine is adapted to');
});

it('scripts/leftovers.ts names an orphaned process left with the run marker, and passes once it is gone', async () => {
  const run = `leftover-test-${process.pid}`;
  // The script in a checkout of its own: the test files running beside this one name this checkout.
  const clone = mkdtempSync(`${tmpdir()}/wiki-leftovers-`);
  mkdirSync(`${clone}/scripts`);
  copyFileSync(`${ROOT}scripts/leftovers.ts`, `${clone}/scripts/leftovers.ts`);
  writeFileSync(`${clone}/package.json`, '{ "type": "module" }\n');
  const leftovers = () => spawnSync(process.execPath, ['--import', 'tsx', `${clone}/scripts/leftovers.ts`, run], { cwd: ROOT, encoding: 'utf8' });
  // As a fake dockerd outlives the bootstrap: its parent (sh) exits at once, so it is an orphan.
  const sh = spawnSync('sh', ['-c', 'sleep 300 >/dev/null 2>&1 & echo $!'], { env: { ...process.env, WIKI_TEST_RUN: run }, encoding: 'utf8' });
  const pid = Number(sh.stdout.trim());
  assert.ok(pid > 1, sh.stderr);
  try {
    const left = leftovers();
    assert.equal(left.status, 1, left.stdout + left.stderr);
    assert.match(left.stderr, new RegExp(`^  pid ${pid} sleep 300 $`, 'm'));
    assert.equal(left.stderr.trim().split('\n').length, 2, `only that process: ${left.stderr}`);
  } finally {
    process.kill(pid, 'SIGKILL');
  }
  await new Promise((r) => setTimeout(r, 200));
  const clean = leftovers();
  rmSync(clone, { recursive: true });
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stdout, /no process of the run is left/);
});

it('every scripts/setup/<step>.ts is a step of SETUP, under its file name; npm.sh is the bash one, run first', () => {
  const files = readdirSync(`${ROOT}scripts/setup`).filter((f) => f.endsWith('.ts') && f !== 'step.ts').map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual(SETUP.map((s) => s.name).sort(), files.sort());
  const test = readFileSync(`${ROOT}scripts/test`, 'utf8');
  assert.ok(test.indexOf('scripts/setup/npm.sh') < test.indexOf('scripts/test.ts'), 'npm before the TypeScript part');
});

it('a step runs only when its cache check finds nothing, under `== name` and `-- name: 1.2s`, and sums up', async (t) => {
  const out: string[] = [];
  t.mock.method(console, 'log', (...a: unknown[]) => { out.push(a.join(' ')); });
  const ran: string[] = [];
  const steps = new Steps(['npm 1.0s']);
  await setup(steps, [
    { name: 'a', cached: async () => 'a v1: cached', run: async () => { ran.push('a'); } },
    { name: 'b', cached: async () => undefined, run: async () => { ran.push('b'); }, after: async () => { ran.push('b after'); } },
  ]);
  assert.deepEqual(ran, ['b', 'b after']);
  assert.deepEqual(out.map((l) => l.replace(/\d+\.\ds/g, 'T')), ['\n== a', 'a v1: cached', '-- a: T', '\n== b', '-- b: T']);
  assert.match(steps.summary(Date.now() - 2500), /^2\.\ds \(npm 1\.0s, a 0\.\ds, b 0\.\ds\)$/);
});

it('the CPU floor: busy jiffies of /proc/stat (idle and iowait are not), over a span of busy and idle', () => {
  // /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice (proc(5)).
  assert.deepEqual(cpuStat('cpu  100 5 50 800 20 3 2 0 7 0'), { busy: 160, total: 980 });
  // A machine that spins both cores for the span: the floor is the whole span, and the run 1.00× it.
  const spun = { busy: cpuStat().busy - 1e9, total: cpuStat().total - 1e9 };
  assert.match(cpuFloor(spun, 10_000, 2), /^20 core-s busy on 2 cores \(the whole machine\): floor 10 s, this run 1\.00× it$/);
});
