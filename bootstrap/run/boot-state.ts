import { readFileSync } from 'node:fs';
import { writePrivate } from './files.ts';

/** What `wiki status` reads: the phase the boot is in (or READY) and when it got there. Written by the pipeline only. */
export type BootState = { phase: string; since: string; apiRef?: string };

export function writeBootState(file: string, { phase, apiRef }: { phase: string; apiRef: string }) {
  const state: BootState = { phase, since: new Date().toISOString(), apiRef };
  writePrivate(file, `${JSON.stringify(state)}\n`);
}

export function readBootState(file: string): BootState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BootState;
  } catch {
    return undefined;
  }
}
