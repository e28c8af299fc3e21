/**
 * The test run's shared control plane (`sharedControlPlane` in control-plane.ts starts this process).
 * argv: the base path of its files (`.json` connection, `.clients/<pid>` users, `.lock`, `.log`) and
 * the test runner's pid. It stops once no registered user has been alive for IDLE_MS, or the runner
 * has exited, and removes its files first, so a file asking after that starts a new one.
 */
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { sleep } from '../../bootstrap/run/wait.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';

/** Longer than a test file takes to start and ask, short enough to be gone before scripts/leftovers.ts looks. */
const IDLE_MS = 5_000;
const [base, runner] = process.argv.slice(2) as [string, string];
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const inUse = () => existsSync(`${base}.clients`) && readdirSync(`${base}.clients`).some((pid) => alive(Number(pid)));

let cp: ControlPlane | undefined;
try {
  cp = await startControlPlane();
  writeFileSync(`${base}.json.tmp`, JSON.stringify(cp.connection));
  renameSync(`${base}.json.tmp`, `${base}.json`);
} catch (err) {
  writeFileSync(`${base}.json`, JSON.stringify({ error: (err as Error).message }));
}
for (let idleSince = Date.now(); alive(Number(runner)) && Date.now() - idleSince < IDLE_MS; await sleep(200)) {
  if (inUse()) idleSince = Date.now();
}
for (const f of ['.json', '.clients', '.lock', '.log']) rmSync(`${base}${f}`, { recursive: true, force: true });
await cp?.stop();
