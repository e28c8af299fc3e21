/**
 * No import cycles in bootstrap/ or api/: each module's relative imports (type-only ones too, since a
 * cycle of types is still two modules that cannot be read apart) form a graph without loops.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { ROOT } from './support/root.ts';

/** `import … from './x.ts'`, `export … from '../y.ts'` and `import './z.ts'`, across lines. */
const IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The cycles among the .ts files under `dirs` (one per edge that closes a loop), as paths relative to `root`. */
function importCycles(root: string, dirs: string[]): string[][] {
  const files = dirs.flatMap((d) => readdirSync(join(root, d), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.split('/').includes('node_modules')).map((f) => join(root, d, f)));
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, [...readFileSync(f, 'utf8').matchAll(IMPORT)].map((m) => resolve(dirname(f), m[1]!)).filter((t) => known.has(t))]));
  // Depth-first search; a grey node met again closes a cycle: the path from it to here.
  const colour = new Map<string, 'grey' | 'black'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string) => {
    colour.set(f, 'grey');
    path.push(f);
    for (const t of edges.get(f)!) {
      if (colour.get(t) === 'grey') cycles.push([...path.slice(path.indexOf(t)), t].map((p) => relative(root, p)));
      else if (!colour.has(t)) visit(t);
    }
    path.pop();
    colour.set(f, 'black');
  };
  for (const f of [...files].sort()) if (!colour.has(f)) visit(f);
  return cycles;
}

it('the check finds a cycle: a three-module loop through a type-only and a multi-line import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wiki-imports-'));
  writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = b;\n");
  writeFileSync(join(dir, 'b.ts'), "import {\n  c,\n} from './c.ts';\nexport const b = c;\n");
  writeFileSync(join(dir, 'c.ts'), "import type { A } from './a.ts';\nexport const c = 1 as unknown as A;\n");
  writeFileSync(join(dir, 'd.ts'), "import { a } from './a.ts';\nexport { a };\n");
  assert.deepEqual(importCycles(dir, ['.']), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
});

it('bootstrap/ and api/ have no import cycle', () => {
  const cycles = importCycles(ROOT, ['bootstrap', 'api']);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => c.join(' → ')).join('\n')}`);
});
