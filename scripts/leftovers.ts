#!/usr/bin/env -S node --import tsx
/**
 * Fails (naming each one) when a process started by the test run is still running: one carrying the
 * run's marker in its environment (WIKI_TEST_RUN=<run>) or naming this checkout in its command line.
 * Waits up to 3 s first, for processes that are on their way out. Given `host` (the test command passes
 * test/support/node-host.ts's nodeLeftovers), also what a real node may leave outside any process: mounts,
 * cgroups, its bridge and iptables chains. Run it after the tests have exited:
 * `node --import tsx scripts/leftovers.ts RUN_ID`, or leftovers() inside the test command.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const read = (f: string) => { try { return readFileSync(f, 'latin1'); } catch { return undefined; } };

/** A process and its ancestors' pids, up to init. */
function lineage(pid: number) {
  const out: number[] = [];
  for (let p: number | undefined = pid; p && p > 1; p = Number(/^PPid:\s*(\d+)/m.exec(read(`/proc/${p}/status`) ?? '')?.[1] ?? 0)) out.push(p);
  return out;
}

/** `pid command line` of every process of the run but ours (ancestors and children) and `caller`'s live children. */
function findLeft(run: string, caller: number) {
  const mine = new Set(lineage(process.pid));
  const left: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b)) {
    if (mine.has(pid)) continue;
    const marked = read(`/proc/${pid}/environ`)?.split('\0').includes(`WIKI_TEST_RUN=${run}`);
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (cmdline === undefined || !(marked || cmdline.includes(ROOT))) continue;
    // Leftovers are orphans: our own and the caller's live children (tsx's esbuild service, say) are not.
    const up = lineage(pid);
    if (up.includes(caller) || up.includes(process.pid)) continue;
    left.push(`${pid} ${cmdline.replaceAll('\0', ' ')}`);
  }
  return left;
}

/**
 * true when no process of run `run` is left (printed), else false with each one named on stderr.
 * `caller`: whose live children are not leftovers (default: the caller of this process).
 */
export async function leftovers(run: string, caller = process.ppid, host?: () => string[]) {
  const hostLeft = host?.() ?? [];
  if (hostLeft.length) {
    console.error('a real node of the test run left these on the machine (its stop() must remove them):');
    for (const l of hostLeft) console.error(`  ${l}`);
  }
  let left: string[] = [];
  for (let i = 0; i < 10; i++) {
    left = findLeft(run, caller);
    if (!left.length) {
      console.log(host && !hostLeft.length ? 'no process of the run is left, nor a real node\'s mount, cgroup, bridge or iptables chain' : 'no process of the run is left');
      return !hostLeft.length;
    }
    await sleep(300);
  }
  console.error('leftover processes of the test run (each test must stop what it starts):');
  for (const l of left) console.error(`  pid ${l.slice(0, 295)}`);
  return false;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const run = process.argv[2];
  if (!run) { console.error('usage: scripts/leftovers.ts RUN_ID'); process.exit(2); }
  process.exitCode = (await leftovers(run)) ? 0 : 1;
}
