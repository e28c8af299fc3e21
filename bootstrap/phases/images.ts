import { existsSync } from 'node:fs';
import { bundledImages, bundlePath } from '../config/bundle.ts';
import { PhaseError } from '../run/errors.ts';
import type { Phase } from '../context.ts';

/**
 * Every bundled image is present; k3s and k3d-tools are loaded into the inner engine unless already
 * there (a warm start loads nothing). The rest is imported by k3s itself from the mounted directory.
 */
export const images: Phase = {
  name: 'images',
  timeout: 'images',
  async run(ctx) {
    const all = bundledImages(ctx.pins, ctx.arch, ctx.apiRef);
    if (ctx.exec.dryRun) {
      ctx.log.raw(`  bundle for linux/${ctx.arch}:\n${all.map((i) => `  | ${bundlePath(ctx.paths.images, i)}${i.ref ? `  (${i.ref})` : ''}`).join('\n')}`);
    } else {
      const missing = all.filter((i) => !existsSync(bundlePath(ctx.paths.images, i)));
      if (missing.length) {
        throw new PhaseError(`bundled image${missing.length > 1 ? 's' : ''} missing from ${ctx.paths.images}: ${missing.map((m) => m.file).join(', ')}`,
          'this image was built without its bundled images (a local test build cannot start the cluster): rebuild it with `docker build -f Dockerfile.cluster -t wiki .` where the registries are reachable');
      }
    }
    const previous = ctx.state.previousApiRef;
    if (previous && previous !== ctx.apiRef) {
      ctx.log.line('images', `upgrade: API ${previous} → ${ctx.apiRef}; k3s imports the new archive when the node starts, the release rolls the API onto it, data stays`);
    }
    let loaded = 0, present = 0;
    for (const img of all.filter((i) => i.into === 'docker')) {
      const have = await ctx.exec.run(['docker', 'image', 'inspect', '--format', '{{.Id}}', img.ref!], { check: false, env: ctx.toolEnv, signal: ctx.signal });
      if (have.exitCode === 0 && !ctx.exec.dryRun) { present++; continue; }
      await ctx.exec.run(['docker', 'load', '--input', bundlePath(ctx.paths.images, img)], { env: ctx.toolEnv, signal: ctx.signal });
      loaded++;
      // k3d starts its tools container per operation from its own version's image: loading it is the whole upgrade.
      if (previous && img.ref === ctx.pins.K3D_TOOLS_IMAGE) ctx.log.line('images', `upgrade: ${img.ref} loaded; k3d starts it for its next operation, the running cluster is unaffected`);
    }
    const forK3s = all.filter((i) => i.into === 'k3s').length;
    return `${loaded} loaded into dockerd, ${present} already present; ${forK3s} archives for k3s to import`;
  },
};
