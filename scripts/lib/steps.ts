/**
 * The scripts' one timing helper: `step(name, fn)` prints `== name`, runs fn, then `-- name: 1.2s`,
 * and records the time for a summary line (`-- setup: 3.1s (helm 0.1s, …)`, which tests and CI logs read).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { spinner } from 'zx';

/** Milliseconds since the epoch: comparable across processes (scripts/test hands its start time over). */
export const ms = () => Date.now();

/** The time since t0 (from ms()) as `12.3s`. */
export const since = (t0: number) => {
  const d = Math.max(0, ms() - t0);
  return `${Math.floor(d / 1000)}.${Math.floor((d % 1000) / 100)}s`;
};

export class Steps {
  /** `name 1.2s` per step run, in order (seeded with steps timed before, e.g. by scripts/test's npm step). */
  readonly timings: string[];
  constructor(timings: string[] = []) { this.timings = [...timings]; }

  /** Runs fn under a `== name` header, then prints one line with its duration. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = ms();
    console.log(`\n== ${name}`);
    const r = await fn();
    const took = since(t0);
    this.timings.push(`${name} ${took}`);
    console.log(`-- ${name}: ${took}`);
    return r;
  }

  /** `12.3s (helm 0.1s, npm 1.0s)`: the total since t0 and each step's time. */
  summary(t0: number) { return `${since(t0)} (${this.timings.join(', ')})`; }
}

/** Runs a long step under zx's spinner where a person watches (a terminal), plainly elsewhere (CI logs). */
export async function long<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return process.stderr.isTTY ? spinner(title, fn) : fn();
}

/** Runs fn, printing `  ... still <doing> (N s)` every 30 s (a cold Go build is silent for minutes). */
export async function withTicker<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  const t0 = ms();
  const ticker = setInterval(() => console.log(`  ... still ${doing} (${Math.round((ms() - t0) / 1000)} s)`), 30_000);
  try { return await fn(); } finally { clearInterval(ticker); }
}

/** The machine's CPU counters from a /proc/stat `cpu` line (this one's by default): busy and all jiffies, every core. */
export function cpuStat(line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!) {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/**
 * The CPU time the run used, from the whole machine's counters (docker builds and daemons count, which a
 * parent's rusage misses), as a floor: busy core-seconds ÷ cores is the shortest the run could take here.
 */
export function cpuFloor(from: { busy: number; total: number }, wallMs: number, cores = cpus().length) {
  const to = cpuStat();
  const busyS = ((to.busy - from.busy) / Math.max(1, to.total - from.total)) * cores * (wallMs / 1000);
  const floor = busyS / cores;
  return `${busyS.toFixed(0)} core-s busy on ${cores} cores (the whole machine): floor ${floor.toFixed(0)} s, this run ${(wallMs / 1000 / Math.max(1, floor)).toFixed(2)}× it`;
}
