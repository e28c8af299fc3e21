import type { Ctx } from '../context.ts';
import type { RunOptions } from '../run/exec.ts';

/** The appliance's one release of the chart, in the namespace of WIKI_NAMESPACE (`wiki`). */
export const RELEASE = 'wiki';

type Tools = Pick<Ctx, 'cfg' | 'exec' | 'paths' | 'toolEnv' | 'signal'>;

/** kubectl against the appliance's cluster (the kubeconfig the cluster phase writes). */
export const kubectl = (ctx: Tools, args: string[], opts: RunOptions = {}) =>
  ctx.exec.run(['kubectl', '--kubeconfig', ctx.paths.kubeconfig, ...args], { env: ctx.toolEnv, signal: ctx.signal, ...opts });

/** helm on the appliance's release namespace. */
export const helm = (ctx: Tools, args: string[], opts: RunOptions = {}) =>
  ctx.exec.run(['helm', ...args, '--namespace', ctx.cfg.namespace, '--kubeconfig', ctx.paths.kubeconfig], { env: ctx.toolEnv, signal: ctx.signal, ...opts });
