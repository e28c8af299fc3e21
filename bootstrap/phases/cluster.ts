import { stringify } from 'yaml';
import { nodeDiagnostics } from '../diagnostics.ts';
import { writeGenerated } from '../files.ts';
import { k3dConfig } from '../k3d-config.ts';
import type { Phase } from '../context.ts';

type K3dCluster = { name: string; serversRunning?: number };

/** Creates the k3d cluster on first boot, starts it on a warm one, and rewrites the kubeconfig every boot. */
export const cluster: Phase = {
  name: 'cluster',
  timeout: 'cluster',
  async run(ctx) {
    const name = ctx.cfg.clusterName;
    const run = (argv: string[]) => ctx.exec.run(argv, { env: ctx.toolEnv, signal: ctx.signal });
    const config = k3dConfig(ctx.cfg, ctx.pins, { cgroup: ctx.state.cgroup, imagesDir: `${ctx.paths.images}/k3s` });
    writeGenerated(ctx, ctx.paths.k3dConfig, stringify(config, { aliasDuplicateObjects: false }));

    const list = JSON.parse((await run(['k3d', 'cluster', 'list', '--output', 'json'])).stdout || '[]') as K3dCluster[];
    const existing = list.find((c) => c.name === name);
    let action: string;
    if (existing && (existing.serversRunning ?? 0) > 0) {
      action = 'already running';
    } else if (existing) {
      await run(['k3d', 'cluster', 'start', name, '--wait', '--timeout', `${ctx.cfg.timeouts.cluster}s`]);
      action = 'started (warm boot)';
    } else {
      await run(['k3d', 'cluster', 'create', '--config', ctx.paths.k3dConfig]);
      action = 'created';
    }
    // Certificates and ports can change across restarts: never trust a kubeconfig from an earlier boot.
    const kubeconfig = (await run(['k3d', 'kubeconfig', 'get', name])).stdout;
    writeGenerated(ctx, ctx.paths.kubeconfig, `${kubeconfig}\n`, { shown: '(kubeconfig from `k3d kubeconfig get`)' });
    await run(['kubectl', '--kubeconfig', ctx.paths.kubeconfig, 'wait', '--for=condition=Ready', 'node', '--all', `--timeout=${ctx.cfg.timeouts.cluster}s`]);
    return `${action}; node Ready`;
  },
  diagnose: nodeDiagnostics,
};
