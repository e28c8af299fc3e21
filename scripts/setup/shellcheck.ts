/** The linter of every shell script of the repo (npm run lint): Debian's shellcheck package. */
import { $ } from 'zx';
import { has, isRoot, SetupError, type Step } from './step.ts';

const apt = () => $({ env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
export default {
  name: 'shellcheck',
  cached: async () => ((await has('shellcheck')) ? '' : undefined),
  async run() {
    if (isRoot() && (await has('apt-get'))) {
      const quiet = await apt()({ nothrow: true, quiet: true })`apt-get install -y -q --no-install-recommends shellcheck`;
      if (!quiet.ok) {
        await $({ stdio: 'inherit' })`apt-get update -q`;
        await apt()({ stdio: 'inherit' })`apt-get install -y -q --no-install-recommends shellcheck`;
      }
    }
    if (!(await has('shellcheck'))) throw new SetupError('shellcheck is missing and could not be installed (apt-get install shellcheck)');
  },
  async after() { console.log((await $`shellcheck --version`).lines()[1]); },
} satisfies Step;
