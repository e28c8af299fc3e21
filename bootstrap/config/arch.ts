import { readFileSync } from 'node:fs';
import { repoFile } from './pins.ts';

/**
 * The one mapping of architecture names (architectures.json, also read by scripts/image-archive.mjs):
 * Docker/OCI and Debian name (the key) ← Node's `process.arch` and the ELF machine number.
 */
type Architectures = Record<string, { node: string; elfMachine: number }>;

export const readArchitectures = (file = repoFile('architectures.json')): Architectures => JSON.parse(readFileSync(file, 'utf8')) as Architectures;

export class UnsupportedArchError extends Error {}

/** Node's `process.arch` → the name every download and bundle file uses; an unknown one is refused. */
export function imageArch(nodeArch: string, arches = readArchitectures()): string {
  const found = Object.entries(arches).find(([, a]) => a.node === nodeArch)?.[0];
  if (!found) {
    throw new UnsupportedArchError(`unsupported architecture ${nodeArch}: the appliance is built for ${Object.entries(arches).map(([k, a]) => `${k} (Node ${a.node})`).join(' and ')}`);
  }
  return found;
}
