import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What a revision is made from, the chart's files and the values, as a revision description Helm keeps
 * (`helm upgrade --description`, shown by `helm history`): a boot whose description matches the deployed
 * revision's has nothing to change, so it makes no new revision. A hash, so no value is readable in it.
 */
export function releaseDescription(chartDir: string, values: string): string {
  const h = createHash('sha256');
  const files = readdirSync(chartDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name)).sort();
  for (const f of files) h.update(`${relative(chartDir, f)}\0`).update(readFileSync(f)).update('\0');
  return `wiki-appliance chart+values ${h.update(values).digest('hex').slice(0, 16)}`;
}
