/** actionlint, which checks the GitHub Actions workflow (test/workflow.test.ts). */
import { $ } from 'zx';
import { env, goEnv, goToolStep } from './step.ts';

const v = env('ACTIONLINT_VERSION');
export default goToolStep('actionlint', v, () =>
  $({ stdio: 'inherit', env: goEnv() })`go install -trimpath -ldflags=-s github.com/rhysd/actionlint/cmd/actionlint@${v}`);
