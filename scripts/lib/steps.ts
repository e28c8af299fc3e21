/**
 * The scripts' one timing helper: `step(name, fn)` prints `== name`, runs fn, then `-- name: 1.2s`,
 * and records the time for a summary line (`-- setup: 3.1s (helm 0.1s, …)`, which tests and CI logs read).
 */
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
