/** The pinned k3d module, for its v1alpha5 config schema (the k3d config tests validate against it). */
import { existsSync } from 'node:fs';
import { $ } from 'zx';
import { env, type Step } from './step.ts';

const MODULE = 'github.com/k3d-io/k3d/v5';
const v = env('K3D_VERSION');
export default {
  name: 'k3d-schema',
  async cached() {
    const dir = `${(await $`go env GOMODCACHE`).stdout.trim()}/${MODULE}@${v}`;
    return existsSync(dir) ? `${MODULE}@${v}: cached` : undefined;
  },
  async run() { await $({ stdio: 'inherit' })`go mod download ${MODULE}@${v}`; },
} satisfies Step;
