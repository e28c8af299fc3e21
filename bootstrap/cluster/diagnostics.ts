import { kubectl as kube } from './kube.ts';
import type { Ctx } from '../context.ts';

export const nodeContainer = (ctx: Ctx) => `k3d-${ctx.cfg.clusterName}-server-0`;

/** Whether the k3s node container runs; undefined when Docker could not be asked. */
export async function nodeRunning(ctx: Ctx, opts: { signal: AbortSignal; timeoutMs?: number }): Promise<boolean | undefined> {
  const r = await ctx.exec.run(['docker', 'inspect', '--format', '{{.State.Running}}', nodeContainer(ctx)], { check: false, env: ctx.toolEnv, ...opts }).catch(() => undefined);
  return r && r.stdout.trim() === 'true';
}

/** What is not ready in the release: pods, recent events, and the last log lines of each unready pod. */
export async function clusterDiagnostics(ctx: Ctx): Promise<string> {
  const kubectl = (args: string[]) => kube(ctx, args, { check: false, timeoutMs: 20_000 });
  const out: string[] = [];
  const pods = await kubectl(['get', 'pods', '-A', '-o', 'wide']);
  out.push('pods:', pods.stdout || pods.stderr);
  const events = await kubectl(['get', 'events', '-n', ctx.cfg.namespace, '--sort-by=.lastTimestamp']);
  out.push('events (latest last):', (events.stdout || events.stderr).split('\n').slice(-15).join('\n'));
  const unready = await kubectl(['get', 'pods', '-n', ctx.cfg.namespace, '-o', 'jsonpath={range .items[?(@.status.containerStatuses[*].ready==false)]}{.metadata.name}{"\\n"}{end}']);
  for (const pod of unready.stdout.split('\n').filter(Boolean).slice(0, 5)) {
    const logs = await kubectl(['logs', '-n', ctx.cfg.namespace, pod, '--all-containers', '--tail=20']);
    out.push(`logs of ${pod}:`, logs.stdout || logs.stderr);
  }
  return out.join('\n');
}

/** The node container's state and last log lines (k3s itself). */
export async function nodeDiagnostics(ctx: Ctx): Promise<string> {
  const ps = await ctx.exec.run(['docker', 'ps', '-a', '--format', '{{.Names}}\t{{.Status}}'], { check: false, env: ctx.toolEnv, signal: ctx.signal });
  const logs = await ctx.exec.run(['docker', 'logs', '--tail', '30', nodeContainer(ctx)], { check: false, env: ctx.toolEnv, signal: ctx.signal });
  return ['containers:', ps.stdout || ps.stderr, `last lines of ${nodeContainer(ctx)}:`, `${logs.stdout}\n${logs.stderr}`.trim()].join('\n');
}
