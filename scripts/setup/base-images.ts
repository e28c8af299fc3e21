/** The base images the image tests build on: local, pulled, or stand-ins built by scripts/base-images. */
import { $ } from 'zx';
import { env, type Step } from './step.ts';

export default {
  name: 'base-images',
  cached: async () => undefined, // scripts/base-images checks each image itself (the engine is the cache)
  async run() { await $({ stdio: 'inherit' })`scripts/base-images ${env('DEBIAN_IMAGE')} ${env('TEST_NODE_IMAGE')}`; },
} satisfies Step;
