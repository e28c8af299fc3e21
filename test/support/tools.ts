/** Finds an external tool; when it is missing, CI fails loudly while a developer's run skips with the reason. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** A test's skip for `why`: skips it (outside CI) or throws (CI=true); returns false for `if (…) return`. */
export function skipTest(t: TestContext, why: string): false {
  t.skip(skipUnlessCi(why) || undefined);
  return false;
}

/** Returns the tool's path, or skips the test (outside CI) / throws (CI=true). */
export function requireTool(t: TestContext, tool: string): string | undefined {
  return which(tool) ?? (skipTest(t, `${tool} not found on PATH (npm test installs it)`) || undefined);
}

/** pg_dump and psql 18 in WIKI_PG_BIN (the postgres setup step installs them), or skip / fail as requireTool. */
export function requirePgClients(t: TestContext): boolean {
  const bin = process.env.WIKI_PG_BIN;
  if (bin && existsSync(join(bin, 'pg_dump')) && existsSync(join(bin, 'psql'))) return true;
  return skipTest(t, 'pg_dump/psql 18 not found (WIKI_PG_BIN; scripts/test installs them)');
}
