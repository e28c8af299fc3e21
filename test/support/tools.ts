/** Finds an external tool; when it is missing, CI fails loudly while a developer's run skips with the reason. */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A describe's `skip`: `why` a layer cannot run here, or false; with CI=true a reason is a failure instead. */
export function skipUnlessCi(why: string | undefined): string | false {
  if (!why) return false;
  if (process.env.CI === 'true') throw new Error(why);
  return why;
}

/** Returns the tool's path, or skips the test (outside CI) / throws (CI=true). */
export function requireTool(t: TestContext, tool: string): string | undefined {
  const path = which(tool);
  if (path) return path;
  const why = `${tool} not found on PATH (npm test installs it)`;
  if (process.env.CI === 'true') throw new Error(why);
  t.skip(why);
  return undefined;
}
