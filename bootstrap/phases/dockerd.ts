import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chooseIptables, nestCgroupV2 } from '../run/host.ts';
import { waitFor } from '../run/wait.ts';
import type { Ctx, Phase } from '../context.ts';

/** `docker info` answers with the storage driver once the engine serves requests. */
export async function dockerDriver(ctx: Ctx): Promise<string | undefined> {
  const r = await ctx.exec.run(['docker', 'info', '--format', '{{.Driver}}'], { check: false, env: ctx.toolEnv, signal: ctx.signal, timeoutMs: 10_000 });
  return r.exitCode === 0 ? (r.stdout.trim() || (ctx.exec.dryRun ? 'overlay2' : undefined)) : undefined;
}

/**
 * Starts the inner Docker engine the way Docker's own dind entrypoint prepares for it (stale pid
 * files, iptables backend, cgroup v2 nesting), on a unix socket only, detached so it receives only
 * the signals we send.
 */
export const dockerd: Phase = {
  name: 'dockerd',
  timeout: 'dockerd',
  async run(ctx) {
    const { root, dockerDataRoot, dockerSocket } = ctx.cfg;
    if (!ctx.exec.dryRun) {
      const running = await dockerDriver(ctx);
      if (running) {
        ctx.state.dockerdStarted = true; // ours all the same: the container has one engine, stopped with it
        return `already running (storage ${running})`;
      }
      for (const stale of ['var/run/docker.pid', 'var/run/docker/containerd/containerd.pid']) rmSync(join(root, stale), { force: true });
    }
    const iptables = chooseIptables(root, ctx.cfg.iptables);
    for (const tool of ['iptables', 'ip6tables']) {
      await ctx.exec.run(['update-alternatives', '--set', tool, `/usr/sbin/${tool}-${iptables}`], { signal: ctx.signal });
    }
    let nesting = '';
    if (ctx.state.cgroup === 2 && !ctx.exec.dryRun) {
      const n = nestCgroupV2(root);
      nesting = `, cgroup v2 nested (${n.moved} processes to /init, ${n.controllers.length} controllers)`;
    }
    const pid = await ctx.exec.spawnDetached(
      ['dockerd', `--host=unix://${dockerSocket}`, `--data-root=${dockerDataRoot}`, `--pidfile=${ctx.paths.dockerdPid}`],
      { logFile: ctx.paths.dockerdLog },
    );
    ctx.state.dockerdStarted = true;
    ctx.state.dockerdPid = pid;
    const driver = await waitFor(() => dockerDriver(ctx), { timeoutMs: ctx.cfg.timeouts.dockerd * 1000, intervalMs: 250, signal: ctx.signal, what: 'dockerd to answer' });
    if (driver !== 'overlay2') ctx.log.line('dockerd', `warning: storage driver ${driver} (overlay2 expected): image loading will be slow and large`);
    return `started (pid ${pid}, storage ${driver}, iptables ${iptables}${nesting})`;
  },
  async diagnose(ctx) {
    try {
      return `last lines of ${ctx.paths.dockerdLog}:\n${readFileSync(ctx.paths.dockerdLog, 'utf8').trim().split('\n').slice(-15).join('\n')}`;
    } catch {
      return `no dockerd log at ${ctx.paths.dockerdLog}`;
    }
  },
};
