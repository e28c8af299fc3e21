import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Exec } from './exec.ts';
import type { Log } from './log.ts';

/**
 * Writes a file only its owner reads (0600: it may hold a password), atomically: beside it, then renamed over it, so
 * a crash or a reader mid-write finds the old file or the new one, never half of one (the boot state `wiki status`
 * reads, the kubeconfig, a backup).
 */
export function writeAtomic(path: string, content: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content, { mode: 0o600, flush: true });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** writeAtomic, creating the file's directory (0700). */
export function writePrivate(path: string, content: string) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeAtomic(path, content);
}

/** Writes a generated file (0600); in a dry run prints it instead. */
export function writeGenerated(ctx: { exec: Pick<Exec, 'dryRun'>; log: Log }, path: string, content: string, { shown = content } = {}) {
  if (ctx.exec.dryRun) {
    ctx.log.raw(`  --- ${path}\n${shown.replace(/^/gm, '  | ').trimEnd()}`);
    return;
  }
  writePrivate(path, content);
}
