/**
 * The test run's shared control plane (`sharedControlPlane` in control-plane.ts starts this process):
 * argv is the file to write the connection to and the pid of the test runner; it stops the control
 * plane and removes its files once that process has exited.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { sleep } from '../../bootstrap/wait.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';

const [state, owner] = process.argv.slice(2) as [string, string];
const base = state.replace(/\.json$/, '');
const alive = () => { try { process.kill(Number(owner), 0); return true; } catch { return false; } };
let cp: ControlPlane | undefined;
try {
  cp = await startControlPlane();
  writeFileSync(`${state}.tmp`, JSON.stringify(cp.connection));
  renameSync(`${state}.tmp`, state);
} catch (err) {
  writeFileSync(state, JSON.stringify({ error: (err as Error).message }));
}
while (alive()) await sleep(200);
await cp?.stop();
for (const f of [state, `${base}.lock`, `${base}.log`]) rmSync(f, { recursive: true, force: true });
