/**
 * The test command's setup steps after `npm` (scripts/test runs that one in bash, before node_modules
 * exist), in order: a new step is a file in scripts/setup/ and a word in SETUP.
 */
import type { Steps } from './lib/steps.ts';
import actionlint from './setup/actionlint.ts';
import baseImages from './setup/base-images.ts';
import chromium from './setup/chromium.ts';
import controlPlane from './setup/control-plane.ts';
import dockerEngine from './setup/docker-engine.ts';
import helm from './setup/helm.ts';
import node from './setup/node.ts';
import k3dSchema from './setup/k3d-schema.ts';
import postgresql from './setup/postgresql.ts';
import prometheus from './setup/prometheus.ts';
import shellcheck from './setup/shellcheck.ts';
import type { Step } from './setup/step.ts';

export const SETUP: Step[] = [helm, controlPlane, node, prometheus, k3dSchema, actionlint, shellcheck, postgresql, chromium, dockerEngine, baseImages];

/** Runs each step under its timing lines: its run only when its cache check finds nothing, then its after. */
export async function setup(steps: Steps, list = SETUP) {
  for (const s of list) {
    await steps.step(s.name, async () => {
      const cached = await s.cached();
      if (cached === undefined) await s.run(); else if (cached) console.log(cached);
      await s.after?.();
    });
  }
}
