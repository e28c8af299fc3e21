import { stringify } from 'yaml';
import { nodeContainer, nodeDiagnostics } from '../cluster/diagnostics.ts';
import { kubectl } from '../cluster/kube.ts';
import { k3dConfig, k3dTimeoutS } from '../config/k3d-config.ts';
import { PhaseError } from '../run/errors.ts';
import { writeGenerated } from '../run/files.ts';
import { waitFor } from '../run/wait.ts';
import type { Ctx, Phase } from '../context.ts';

type K3dCluster = { name: string; serversRunning?: number };

/**
 * An existing node must run the k3s this image bundles: k3d v5.9.0 cannot replace a server node's
 * image (`k3d node edit` is serverlb-only, cmd/node/nodeEdit.go), so a newer k3s stops here with the way through.
 */
async function checkNodeImage(ctx: Ctx) {
  const r = await ctx.exec.run(['docker', 'inspect', '--format', '{{.Config.Image}}', nodeContainer(ctx)], { check: false, env: ctx.toolEnv, signal: ctx.signal });
  const running = r.stdout.trim();
  if (ctx.exec.dryRun || r.exitCode !== 0 || running === ctx.pins.K3S_IMAGE) return;
  throw new PhaseError(`the cluster on this volume runs ${running}, this image bundles ${ctx.pins.K3S_IMAGE}; k3d cannot move an existing node to another k3s, and nothing was changed`,
    'start the previous image on this volume and take a backup (docker exec wiki wiki backup > wiki.sql), then run this image on a new volume and restore it (docker exec -i wiki wiki restore < wiki.sql)');
}

/** Creates the k3d cluster on first boot, starts it on a warm one, and rewrites the kubeconfig every boot. */
export const cluster: Phase = {
  name: 'cluster',
  timeout: 'cluster',
  async run(ctx) {
    const started = Date.now();
    const leftMs = () => Math.max(1000, ctx.cfg.timeouts.cluster * 1000 - (Date.now() - started));
    const leftS = () => Math.floor(leftMs() / 1000);
    const name = ctx.cfg.clusterName;
    const run = (argv: string[]) => ctx.exec.run(argv, { env: ctx.toolEnv, signal: ctx.signal });
    const config = k3dConfig(ctx.cfg, ctx.pins, { cgroup: ctx.state.cgroup, imagesDir: `${ctx.paths.images}/k3s` });
    writeGenerated(ctx, ctx.paths.k3dConfig, stringify(config, { aliasDuplicateObjects: false }));

    const list = JSON.parse((await run(['k3d', 'cluster', 'list', '--output', 'json'])).stdout || '[]') as K3dCluster[];
    const existing = list.find((c) => c.name === name);
    if (existing) await checkNodeImage(ctx);
    let action: string;
    if (existing && (existing.serversRunning ?? 0) > 0) {
      action = 'already running';
    } else if (existing) {
      await run(['k3d', 'cluster', 'start', name, '--wait', '--timeout', `${k3dTimeoutS(ctx.cfg)}s`]);
      action = 'started (warm boot)';
    } else {
      await run(['k3d', 'cluster', 'create', '--config', ctx.paths.k3dConfig]);
      action = 'created';
    }
    // Certificates and ports can change across restarts: never trust a kubeconfig from an earlier boot.
    const kubeconfig = (await run(['k3d', 'kubeconfig', 'get', name])).stdout;
    writeGenerated(ctx, ctx.paths.kubeconfig, `${kubeconfig}\n`, { shown: '(kubeconfig from `k3d kubeconfig get`)' });
    // k3d returns on k3s's "up and running" log line, before the kubelet registers the node: `kubectl
    // wait` on no node fails at once ("no matching resources found"), so first wait for it to be listed.
    const t = Date.now();
    await waitFor(async () => (await kubectl(ctx, ['get', 'nodes', '--output', 'name'], { check: false })).stdout.trim() !== '' || ctx.exec.dryRun,
      { timeoutMs: leftMs() - 500, intervalMs: 1000, signal: ctx.signal, what: 'the node to register' }).catch((err: Error) => {
      // (a stop request is told apart by the pipeline, which checks its own signal first)
      throw new PhaseError(`the node ${nodeContainer(ctx)} did not register within the ${ctx.cfg.timeouts.cluster}s deadline (k3s said it was up; its kubelet never joined)`,
        `read the node's last log lines below; on a slow machine raise WIKI_CLUSTER_TIMEOUT_S`, { cause: err });
    });
    const registeredS = (Date.now() - t) / 1000;
    await kubectl(ctx, ['wait', '--for=condition=Ready', 'node', '--all', `--timeout=${leftS()}s`]);
    return `${action}; node Ready${registeredS >= 1 ? ` (registered after ${registeredS.toFixed(1)}s)` : ''}`;
  },
  diagnose: nodeDiagnostics,
};
