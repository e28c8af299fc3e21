import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Exec } from './exec.ts';
import type { Log } from './log.ts';

/** Writes a file only its owner reads (0600: it may hold a password), creating its directory (0700). */
export function writePrivate(path: string, content: string) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
}

/** Writes a generated file (0600); in a dry run prints it instead. */
export function writeGenerated(ctx: { exec: Pick<Exec, 'dryRun'>; log: Log }, path: string, content: string, { shown = content } = {}) {
  if (ctx.exec.dryRun) {
    ctx.log.raw(`  --- ${path}\n${shown.replace(/^/gm, '  | ').trimEnd()}`);
    return;
  }
  writePrivate(path, content);
}
