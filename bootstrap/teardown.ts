import { readFileSync } from 'node:fs';
import { nodeContainer, nodeRunning } from './cluster/diagnostics.ts';
import { waitFor } from './run/wait.ts';
import type { Ctx } from './context.ts';

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/**
 * Clean stop within the budget: the k3s node first (k3d's entrypoint drains it), then dockerd.
 * Nothing here trusts the phase signal (it is already aborted); it has its own deadline.
 */
export async function teardown(ctx: Ctx): Promise<void> {
  // Nothing to stop when the engine never came up (a preflight refusal must touch nothing).
  if (ctx.exec.dryRun || !ctx.state.dockerdStarted) return;
  const budgetMs = ctx.cfg.stopTimeoutS * 1000;
  const started = Date.now();
  const left = () => Math.max(1000, budgetMs - (Date.now() - started));
  const signal = AbortSignal.timeout(budgetMs + 2000);
  const opts = { check: false, env: ctx.toolEnv, signal } as const;

  const node = nodeContainer(ctx);
  if (await nodeRunning(ctx, { signal, timeoutMs: 3000 })) {
    // Leave a third of the budget (at least 2 s) for dockerd.
    const nodeS = Math.max(1, Math.floor((left() - Math.max(2000, budgetMs / 3)) / 1000));
    const t = Date.now();
    await ctx.exec.run(['docker', 'stop', '--time', String(nodeS), node], { ...opts, timeoutMs: (nodeS + 5) * 1000 }).catch(() => undefined);
    ctx.log.line('stop', `node ${node} stopped in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }

  let pid = ctx.state.dockerdPid;
  try { pid = Number(readFileSync(ctx.paths.dockerdPid, 'utf8').trim()) || pid; } catch { /* not written yet */ }
  if (pid && alive(pid)) {
    const t = Date.now();
    process.kill(pid, 'SIGTERM');
    await waitFor(async () => !alive(pid), { timeoutMs: left(), intervalMs: 100, what: 'dockerd to exit' }).catch(() => {
      ctx.log.line('stop', 'dockerd did not exit within the budget: killing it');
      try { process.kill(pid!, 'SIGKILL'); } catch { /* already gone */ }
    });
    ctx.log.line('stop', `dockerd stopped in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }
}
