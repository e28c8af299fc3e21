/** The Docker engine that scripts/test found or started (scripts/setup/docker-engine.ts): builds and runs for real. */
import { spawnSync } from 'node:child_process';
import { readVersions } from '../../bootstrap/config/pins.ts';
import type { TestContext } from 'node:test';
import { ROOT } from './root.ts';
import { requireTool, skipTest } from './tools.ts';

export function docker(args: string[], { check = true, timeoutMs = 900_000 } = {}) {
  const r = spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 });
  if (check && r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).slice(-3000)}`);
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** A working engine, or skip (outside CI) / fail (CI=true). */
export function requireDocker(t: TestContext): boolean {
  if (!requireTool(t, 'docker')) return false;
  if (spawnSync('docker', ['info'], { timeout: 20_000 }).status === 0) return true;
  return skipTest(t, 'no Docker engine answers (npm test uses the one on DOCKER_HOST, or starts Debian\'s docker.io as root)');
}

/** The base images the image tests build on (versions.env; scripts/base-images.ts makes them available, pulled or stand-ins). */
const pins = readVersions();
export const LOCAL_BASES = ['--build-arg', `NODE_IMAGE=${pins.TEST_NODE_IMAGE}`, '--build-arg', `DEBIAN_IMAGE=${pins.DEBIAN_IMAGE}`];
