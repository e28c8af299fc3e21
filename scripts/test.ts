/**
 * The test command's TypeScript part, run by scripts/test once node_modules exist (its `npm` step):
 * the other setup steps (scripts/setup.ts), one timed step per scripts/setup/<step>.ts (cached under $WIKI_TOOLS_DIR,
 * idempotent), `npm run build` (the tests start the compiled programs, as the images do), then the test files (all,
 * or those given; WIKI_TEST_CONCURRENCY at once, those that mostly wait first) beside
 * `npm run lint` (ESLint, an incremental tsc and the shell linter), then fails the run if a process the
 * tests started is still running. The steps' variables (WIKI_PG_BIN, DOCKER_HOST, PATH…) reach the
 * test run through this process's environment.
 */
import { $ } from 'zx';
import { nodeLeftovers } from '../test/support/node-host.ts';
import { leftovers } from './leftovers.ts';
import { cpuFloor, cpuStat, ms, since, Steps } from './lib/steps.ts';
import { setup } from './setup.ts';

// scripts/test hands over when it started and what it timed (the npm step).
const tAll = Number(process.env.WIKI_SETUP_T0) || ms();
const cpu0 = process.env.WIKI_SETUP_CPU0 ? cpuStat(process.env.WIKI_SETUP_CPU0) : cpuStat();
const steps = new Steps(process.env.WIKI_SETUP_TIMINGS?.split(',').filter(Boolean));
delete process.env.WIKI_SETUP_T0;
delete process.env.WIKI_SETUP_CPU0;
delete process.env.WIKI_SETUP_TIMINGS;

try {
  await setup(steps);
} catch (e) {
  // A step's own explanation (SetupError) alone, or the failed command's exit; its output is above.
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
console.log(`\n-- setup: ${steps.summary(tAll)}`);

// Lint and type check beside the build and the tests (tsx, for the test files, does not check types).
const tLint = ms();
const lint = (async () => ({ out: await $({ nothrow: true, quiet: true })`npm run -s lint`, took: since(tLint) }))();

// The programs the images ship, compiled as the images run them: the tests start these (test/support/programs.ts).
const tBuild = ms();
const build = await $({ nothrow: true, quiet: true })`npm run -s build`;
if (!build.ok) { process.stdout.write(build.stdall); console.log('-- build: FAILED'); process.exit(1); }
console.log(`-- build: ${since(tBuild)} (dist/, for the tests)`);

// Files that spend minutes mostly waiting (pods starting, fake boots): started first, the CPU-bound rest fills the cores
// beside them, instead of their waits ending the run alone (docs/test-run.md).
const WAITING = ['test/e2e-script.test.ts', 'test/cluster/node.test.ts'];
const all = (await $`find api bootstrap chart scripts test -name ${'*.test.ts'} -not -path ${'*/node_modules/*'}`).lines().sort();
const missing = WAITING.filter((f) => !all.includes(f));
if (missing.length) throw new Error(`scripts/test.ts: WAITING names ${missing.join(', ')}, which no longer exist`);
const files = process.argv.length > 2 ? process.argv.slice(2) : [...WAITING, ...all.filter((f) => !WAITING.includes(f))];
// Marks every process the tests start (not the engine setup may have started), for scripts/leftovers.ts.
const run = `${process.pid}-${Math.floor(Math.random() * 32768)}`;
const t0 = ms();
const cpuTests = cpuStat();
const tests = await $({ stdio: 'inherit', nothrow: true, env: { ...process.env, WIKI_TEST_RUN: run, WIKI_TEST_DIST: `${process.cwd()}/dist` } })`node --import tsx scripts/run-tests.ts ${files}`;
let status = tests.exitCode ?? 1;
console.log(`-- tests: ${since(t0)}; CPU: ${cpuFloor(cpuTests, ms() - t0)}`);
const { out, took } = await lint;
if (out.ok) console.log(`-- lint: ${took} (beside the tests)`);
else { process.stdout.write(out.stdall); console.log('-- lint: FAILED'); status = 1; }
// This process's own live children (tsx's esbuild service, say) are not leftovers.
if (!(await leftovers(run, process.pid, nodeLeftovers))) status = 1;
console.log(`\n-- whole run: ${since(tAll)}; CPU: ${cpuFloor(cpu0, ms() - tAll)}`);
process.exit(status);
