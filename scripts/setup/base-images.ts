/** The base images the image tests build on: local, pulled, or stand-ins built by scripts/base-images.ts. */
import { baseImages, BaseImagesError } from '../base-images.ts';
import { env, SetupError, type Step } from './step.ts';

export default {
  name: 'base-images',
  cached: async () => undefined, // baseImages checks each image itself (the engine is the cache)
  async run() {
    try {
      await baseImages([env('DEBIAN_IMAGE'), env('TEST_NODE_IMAGE')]);
    } catch (e) {
      throw e instanceof BaseImagesError ? new SetupError(`[base-images] ${e.message}`) : e;
    }
  },
} satisfies Step;
