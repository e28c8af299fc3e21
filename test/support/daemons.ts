/**
 * Long-running processes a test harness starts (the control plane's, the node's): each logs to a file
 * in the harness's directory, an unexpected exit aborts `died` with the tail of its log, and `stop`
 * ends them group by group. A test file that crashes or is killed takes them down with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Daemons = {
  /** Aborted (with the tail of its log) when a process exits before `stop`. */
  died: AbortSignal;
  /** `env` is added to this process's; a key set to undefined is left out. */
  start(name: string, bin: string, args: string[], env?: Record<string, string | undefined>): ChildProcess;
  /** Ends the processes named in each group, a group at a time (SIGTERM, SIGKILL after `graceMs`). */
  stop(groups: string[][], graceMs?: number): Promise<void>;
  /** The last lines of each process's log, for an error message. */
  logs(): string;
  /** SIGKILLs every process now (the last resort of an exit or a signal). */
  kill(): void;
  /** The peak resident memory of each running process (VmHWM), in bytes. */
  peakRss(): Record<string, number>;
};

const tail = (log: string, lines = 15) => { try { return readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; } };

/** This process's environment with `extra` added; a key set to undefined is left out. */
export const childEnv = (extra: Record<string, string | undefined> = {}) =>
  Object.fromEntries(Object.entries({ ...process.env, ...extra }).filter((e): e is [string, string] => e[1] !== undefined));

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
async function terminate(child: ChildProcess, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A set of daemons logging into `dir`; `onKill` runs after a crash or signal killed them (cleanup of files). */
export function daemons(dir: string, onKill: () => void = () => undefined): Daemons {
  const children: { name: string; child: ChildProcess; log: string }[] = [];
  const died = new AbortController();
  let stopping = false;
  const kill = () => { for (const c of children) c.child.kill('SIGKILL'); onKill(); };
  const onSignal = (signal: NodeJS.Signals) => { kill(); process.kill(process.pid, signal); };
  const guard = (on: boolean) => {
    for (const [event, fn] of [['exit', kill], ['SIGTERM', onSignal], ['SIGINT', onSignal]] as const) {
      if (on) process.once(event, fn); else process.removeListener(event, fn);
    }
  };
  guard(true);
  return {
    died: died.signal,
    start(name, bin, args, env = {}) {
      const log = join(dir, `${name}.log`);
      const fd = openSync(log, 'a');
      const child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: childEnv(env) });
      closeSync(fd);
      child.once('exit', (code, signal) => { if (!stopping) died.abort(new Error(`${name} exited (${code ?? signal}): ${tail(log)}`)); });
      children.push({ name, child, log });
      return child;
    },
    async stop(groups, graceMs) {
      stopping = true;
      for (const group of groups) await Promise.all(children.filter((c) => group.includes(c.name)).map((c) => terminate(c.child, graceMs)));
      await Promise.all(children.map((c) => terminate(c.child, graceMs)));
      guard(false);
    },
    logs: () => children.map((c) => `--- ${c.name}\n${tail(c.log)}`).join('\n'),
    kill,
    peakRss: () => Object.fromEntries(children.filter((c) => c.child.exitCode === null && c.child.signalCode === null).map((c) => {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${c.child.pid}/status`, 'utf8'))?.[1];
      return [c.name, Number(kb ?? 0) * 1024];
    })),
  };
}
