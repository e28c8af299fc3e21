/**
 * Runs test files in the order given, WIKI_TEST_CONCURRENCY at once, TAP on stdout, exiting 1 if any test failed.
 * node:test's `run()` rather than `node --test`: the command line sorts its files, and scripts/test.ts starts the
 * files that mostly wait first.
 */
import { resolve } from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { finished } from 'node:stream/promises';

const files = process.argv.slice(2).map((f) => resolve(f));
let failed = false;
const tests = run({ files, concurrency: Number(process.env.WIKI_TEST_CONCURRENCY || 4), timeout: 900_000 });
tests.on('test:fail', () => { failed = true; });
const out = tests.compose(tap);
out.pipe(process.stdout);
await finished(out);
process.exitCode = failed ? 1 : 0;
