import { publicUrls } from '../config/urls.ts';
import { readBootState } from '../run/boot-state.ts';
import { podReady, releasePods } from './pods.ts';
import type { Ctx } from '../context.ts';

/** `wiki status`: the boot phase (or READY), versions, each pod of the release, the URLs; healthy → 0. */
export async function status(ctx: Ctx): Promise<{ text: string; healthy: boolean }> {
  const boot = readBootState(ctx.paths.bootState);
  const urls = publicUrls(ctx.cfg.hostPort);
  const lines = [
    `phase     ${boot ? `${boot.phase} (since ${boot.since})` : 'not booted yet'}`,
    `versions  k3s ${ctx.pins.K3S_VERSION}, k3d ${ctx.pins.K3D_VERSION}, helm ${ctx.pins.HELM_VERSION}, API ${ctx.apiRef}, linux/${ctx.arch}`,
  ];
  let podsHealthy = false;
  try {
    const pods = await releasePods(ctx);
    lines.push('pods');
    for (const p of pods) lines.push(`  ${p.name.padEnd(40)} ${`${p.ready}/${p.containers}`.padEnd(5)} ready  ${String(p.restarts).padStart(3)} restarts  ${p.phase}`);
    if (!pods.length) lines.push('  (none)');
    podsHealthy = pods.length > 0 && pods.every(podReady);
  } catch (err) {
    lines.push(`pods      cannot list them: ${(err as Error).message}`);
  }
  lines.push(`urls      ${urls.users}  ${urls.docs}  ${urls.dashboard}`);
  const healthy = boot?.phase === 'READY' && podsHealthy;
  lines.push(healthy ? 'healthy' : 'not healthy');
  return { text: lines.join('\n'), healthy };
}
