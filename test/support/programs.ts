/**
 * How tests start the programs the images ship: compiled, as the images run them, from the `npm run build` output
 * the test command makes first and names in WIKI_TEST_DIST (0.25 s of CPU a start); from source through tsx
 * (0.65 s) when a test file runs on its own. test/fakes/fake-tool.mjs starts `wiki` by the same rule.
 */
import { join } from 'node:path';
import { ROOT } from './root.ts';

export type Program = 'start-cluster' | 'api/server';

/** The program's file: `$WIKI_TEST_DIST/<name>.js`, or `<name>.ts` in the checkout. */
export function programFile(name: Program): string {
  const dist = process.env.WIKI_TEST_DIST;
  return dist ? join(dist, `${name}.js`) : join(ROOT, `${name}.ts`);
}

/** node's arguments to run `file`: a programFile, or a link to one (as the image's `wiki` links to start-cluster). */
export function nodeArgs(file: string): string[] {
  return process.env.WIKI_TEST_DIST ? [file] : ['--import', 'tsx', file];
}
