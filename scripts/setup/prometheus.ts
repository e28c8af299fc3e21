/**
 * prometheus and promtool from the pinned module (scripts/tools/prometheus), with only the service
 * discovery the chart uses: Prometheus's plugins/ build tags drop every other SD (file and http always stay).
 */
import { readFileSync } from 'node:fs';
import { $ } from 'zx';
import { BIN, goToolStep, ROOT, sha16 } from './step.ts';

const MOD = `${ROOT}scripts/tools/prometheus`;
const TAGS = 'remove_all_sd,enable_kubernetes_sd';
// Stamped by go.mod, go.sum and the tags (the bytes the bash step hashed, so its stamps still count).
const key = sha16(readFileSync(`${MOD}/go.mod`), readFileSync(`${MOD}/go.sum`), `${TAGS}\n`);
export default goToolStep('prometheus', key, () =>
  $({ stdio: 'inherit', cwd: MOD })`go build -trimpath -ldflags=-s -tags ${TAGS} -o ${BIN}/ github.com/prometheus/prometheus/cmd/promtool github.com/prometheus/prometheus/cmd/prometheus`);
