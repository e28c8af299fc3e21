/**
 * How the tests start the distribution registry (scripts/setup/node.ts builds it): its config file, and
 * an environment without REGISTRY_* variables, which it reads as overrides of its configuration
 * (the test command exports versions.env, and a pin named REGISTRY_* would replace `version`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type RegistryLaunch = { args: string[]; env: Record<string, string | undefined> };

/** `registry serve` on `addr` (host:port) with its blobs in `storage`; the config is written into `dir`. */
export function registryLaunch(dir: string, addr: string, storage: string): RegistryLaunch {
  mkdirSync(storage, { recursive: true });
  const config = join(dir, 'registry.yaml');
  writeFileSync(config, stringify({ version: 0.1, log: { level: 'warn' }, storage: { filesystem: { rootdirectory: storage } }, http: { addr } }));
  const env: Record<string, string | undefined> = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('REGISTRY_')).map((k) => [k, undefined]));
  return { args: ['serve', config], env: { ...env, OTEL_TRACES_EXPORTER: 'none' } };
}
