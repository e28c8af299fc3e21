import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** versions.env: the one place every image and tool version is pinned. */
const Pins = z.object({
  K3D_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  K3D_TOOLS_IMAGE: z.string(),
  K3S_VERSION: z.string().regex(/^v\d+\.\d+\.\d+\+k3s\d+$/),
  K3S_IMAGE: z.string(),
  KUBECTL_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  HELM_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  POSTGRES_IMAGE: z.string(),
  PROMETHEUS_IMAGE: z.string(),
  GRAFANA_IMAGE: z.string(),
  NODE_IMAGE: z.string(),
  DEBIAN_IMAGE: z.string(),
  API_IMAGE: z.string(),
}).refine((p) => Object.entries(p).filter(([k]) => k.endsWith('_IMAGE')).every(([, ref]) => /:[\w][\w.-]*$/.test(ref) && !ref.endsWith(':latest')),
  'every image needs an explicit tag, never latest');

export type Pins = z.infer<typeof Pins>;
/** A file of the repository checkout, from source (bootstrap/config/) or compiled (dist/bootstrap/config/). */
export function repoFile(name: string): string {
  const candidates = ['../../', '../../../'].map((up) => new URL(`${up}${name}`, import.meta.url).pathname);
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export const VERSIONS_FILE = repoFile('versions.env');

/** Parses KEY=value lines (comments and blanks skipped), as `set -a; . versions.env` reads them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** Every KEY=value of versions.env, pins or not (API_NODE_OPTIONS, TEST_NODE_IMAGE). */
export const readVersions = (file = VERSIONS_FILE): Record<string, string> => parseEnvFile(readFileSync(file, 'utf8'));

export function readPins(file = VERSIONS_FILE): Pins {
  return Pins.parse(readVersions(file));
}
