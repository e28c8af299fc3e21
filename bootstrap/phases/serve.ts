import { nodeContainer, nodeRunning } from '../cluster/diagnostics.ts';
import { publicUrls } from '../config/urls.ts';
import { PhaseError } from '../run/errors.ts';
import { sleep } from '../run/wait.ts';
import type { Ctx, Phase } from '../context.ts';

export function readyBanner(ctx: Ctx): string {
  const urls = publicUrls(ctx.cfg.hostPort);
  const login = ctx.cfg.grafanaPasswordFromEnv ? 'admin / (the GRAFANA_ADMIN_PASSWORD you set)' : 'admin / admin (set GRAFANA_ADMIN_PASSWORD to change it)';
  return [
    '',
    '==================================================================',
    ` READY in ${ctx.log.elapsed().toFixed(1)}s`,
    `   API        ${urls.users}      (docs ${urls.docs}, metrics ${urls.metrics})`,
    `   Grafana    ${urls.dashboard}`,
    `   login      ${login}`,
    '   stop       docker stop --time 60 <container>   (data stays in the volume)',
    '==================================================================',
    '',
  ].join('\n');
}

/** Stays in the foreground, watching the node, until a signal asks to stop (the pipeline records READY). */
export const serve: Phase = {
  name: 'serve',
  async run(ctx) {
    ctx.log.raw(readyBanner(ctx));
    if (ctx.exec.dryRun) return 'dry run: would serve until SIGTERM';
    for (;;) {
      try {
        await sleep(10_000, ctx.signal);
      } catch {
        return 'stop requested';
      }
      const running = await nodeRunning(ctx, { signal: ctx.signal });
      if (ctx.signal.aborted) return 'stop requested';
      if (running === false) {
        throw new PhaseError(`the cluster node ${nodeContainer(ctx)} is no longer running`, 'see the lines above; restart the container (docker start) to boot the cluster again');
      }
    }
  },
};
