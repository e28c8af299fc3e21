/**
 * Debian's Chromium for the browser test (test/browser/docs.test.ts drives it with playwright-core;
 * no browser is downloaded). Missing and not installable: a failure when CI=true, else the test skips.
 */
import { $, which } from 'zx';
import { has, isRoot, SetupError, type Step } from './step.ts';

const where = () => which('chromium', { nothrow: true });
const aptChromium = () => $({ stdio: 'inherit', nothrow: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -q --no-install-recommends chromium`;
export default {
  name: 'chromium',
  cached: async () => { const p = await where(); return p ? `chromium: ${p}` : undefined; },
  async run() {
    if (isRoot() && (await has('apt-get')) && !(await aptChromium()).ok) {
      if (!(await $({ stdio: 'inherit', nothrow: true })`apt-get update -q`).ok || !(await aptChromium()).ok) console.error('apt-get install chromium failed');
    }
    const p = await where();
    if (p) console.log(`chromium: ${p}`);
    else if (process.env.CI === 'true') throw new SetupError('chromium is missing and could not be installed (apt-get install chromium): CI=true needs it');
    else console.error('chromium is missing (apt-get install chromium): the browser test will skip');
  },
} satisfies Step;
