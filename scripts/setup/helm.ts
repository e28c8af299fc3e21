/** Helm, for rendering and linting the chart: go install of the pinned version. */
import { $ } from 'zx';
import { env, goEnv, goToolStep } from './step.ts';

const v = env('HELM_VERSION');
export default goToolStep('helm', v, () =>
  $({ stdio: 'inherit', env: goEnv() })`go install -trimpath -ldflags=-s helm.sh/helm/v4/cmd/helm@${v}`);
