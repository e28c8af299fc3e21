import { readFileSync } from 'node:fs';
import { writeGenerated } from './files.ts';
import type { Ctx } from './context.ts';

/** What `wiki status` reads: the phase the boot is in (or READY) and when it got there. */
export type BootState = { phase: string; since: string; apiRef?: string };

export function recordPhase(ctx: Ctx, phase: string) {
  if (ctx.exec.dryRun) return;
  const state: BootState = { phase, since: new Date().toISOString(), apiRef: ctx.apiRef };
  writeGenerated(ctx, ctx.paths.bootState, `${JSON.stringify(state)}\n`);
}

export function readBootState(file: string): BootState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BootState;
  } catch {
    return undefined;
  }
}
