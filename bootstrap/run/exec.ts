import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import type { Log } from './log.ts';

export type RunResult = { exitCode: number; stdout: string; stderr: string };
export type RunOptions = { timeoutMs?: number; signal?: AbortSignal; input?: string; env?: Record<string, string>; check?: boolean; quiet?: boolean; maxBuffer?: number };

/** The only module that starts processes: argv arrays, never a shell. */
export type Exec = {
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Starts a long-lived daemon in its own session (it gets only the signals we send), output to a file. */
  spawnDetached(argv: string[], opts: { logFile: string; env?: Record<string, string> }): Promise<number>;
  readonly dryRun: boolean;
};

export class CommandError extends Error {
  constructor(readonly argv: string[], readonly result: RunResult, how = `exited ${result.exitCode}`) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`\`${argv.join(' ')}\` ${how}${detail ? `: ${detail}` : ''}`);
  }
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
export const formatArgv = (argv: string[]) => argv.map(quote).join(' ');

export function createExec({ log, dryRun = false, env = {} }: { log: Log; dryRun?: boolean; env?: Record<string, string> }): Exec {
  return {
    dryRun,
    async run(argv, opts = {}) {
      if (dryRun) {
        log.raw(`  $ ${formatArgv(argv)}`);
        return { exitCode: 0, stdout: '', stderr: '' };
      }
      const r = await execa(argv[0]!, argv.slice(1), {
        reject: false, timeout: opts.timeoutMs, cancelSignal: opts.signal, forceKillAfterDelay: 5000,
        input: opts.input, env: { ...env, ...opts.env }, stripFinalNewline: true, ...(opts.maxBuffer ? { maxBuffer: opts.maxBuffer } : {}),
      });
      if (r.isCanceled) throw opts.signal?.reason ?? new Error(`\`${formatArgv(argv)}\` was cancelled`);
      if (r.timedOut) throw new Error(`\`${formatArgv(argv)}\` timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)}s`);
      const result = { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
      if (r.signal) throw new CommandError(argv, result, `was killed by ${r.signal}`);
      if (r.failed && r.exitCode === undefined) throw new Error(`cannot run ${argv[0]}: ${r.shortMessage}`);
      if (opts.check !== false && result.exitCode !== 0) throw new CommandError(argv, result);
      return result;
    },
    async spawnDetached(argv, { logFile, env: extra }) {
      if (dryRun) {
        log.raw(`  $ ${formatArgv(argv)} >${logFile} 2>&1 &`);
        return 0;
      }
      const fd = openSync(logFile, 'a');
      try {
        // Plain spawn: the daemon must inherit the log file descriptor itself (not a pipe through us)
        // and outlive this process's event loop.
        const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env, ...extra } });
        const pid = await new Promise<number>((resolve, reject) => {
          child.once('spawn', () => resolve(child.pid!));
          child.once('error', (err) => reject(new Error(`cannot start ${argv[0]}: ${err.message}`)));
        });
        child.unref();
        return pid;
      } finally {
        closeSync(fd);
      }
    },
  };
}
