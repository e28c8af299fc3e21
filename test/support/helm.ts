/** Renders the chart with the real Helm binary and parses what it prints. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { parseBootConfig } from '../../bootstrap/config/settings.ts';
import { readPins } from '../../bootstrap/config/pins.ts';
import { applianceValues } from '../../bootstrap/config/values.ts';
import { ROOT } from './root.ts';

export const CHART = `${ROOT}chart`;

/** Parsed YAML of a rendered manifest, read loosely: every field a test reads, it asserts. The one `any` of the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = any;
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: Yaml };

export function helm(args: string[]) {
  const r = spawnSync('helm', args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template wiki ./chart ...args`; throws with Helm's message on failure. */
export function render(args: string[] = [], release = 'wiki'): K8sObject[] {
  const r = helm(['template', release, CHART, '--namespace', 'wiki', ...args]);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject).filter(Boolean);
}

/** The chart as the appliance installs it (bootstrap/config/values.ts with the default settings); each call generates its own passwords. */
export function renderAppliance(env: NodeJS.ProcessEnv = {}, apiRef = 'wiki-appliance/api:0.1.0-test'): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'wiki-values-'));
  try {
    writeFileSync(join(dir, 'values.yaml'), stringify(applianceValues(parseBootConfig(env), readPins(), apiRef)));
    return render(['--values', join(dir, 'values.yaml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
export const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered`);
  return o;
};

/** Pod templates of the workloads, with how many replicas each runs (HPA minimum when autoscaled). */
export function workloads(objs: K8sObject[]) {
  const hpas = byKind(objs, 'HorizontalPodAutoscaler');
  return objs.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)).map((o) => {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === o.metadata.name);
    return { obj: o, replicas: hpa ? hpa.spec.maxReplicas : (o.spec.replicas ?? 1), pod: o.spec.template };
  });
}

const cpu = (q: string | number) => (typeof q === 'number' ? q : q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12, '': 1 };
export const bytes = (q: string) => { const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q)!; return Number(m[1]) * UNITS[m[2]!]!; };

/** The resource budget of a rendered release: limits × replicas per container, and PVC sizes. */
export function budget(objs: K8sObject[]) {
  const rows = workloads(objs).flatMap(({ obj, replicas, pod }) => (pod.spec.containers as Yaml[]).map((c) => ({
    workload: `${obj.kind}/${obj.metadata.name}`, container: c.name, replicas,
    cpu: cpu(c.resources?.limits?.cpu ?? Infinity), memory: bytes(c.resources?.limits?.memory ?? '1Ti'),
  })));
  const claims = [
    ...byKind(objs, 'PersistentVolumeClaim').map((p) => ({ name: p.metadata.name, size: bytes(p.spec.resources.requests.storage) })),
    ...byKind(objs, 'StatefulSet').flatMap((s) => (s.spec.volumeClaimTemplates ?? []).map((t: Yaml) => ({ name: `${s.metadata.name}/${t.metadata.name}`, size: bytes(t.spec.resources.requests.storage) * (s.spec.replicas ?? 1) }))),
  ];
  return {
    rows, claims,
    cpu: rows.reduce((s, r) => s + r.cpu * r.replicas, 0),
    memory: rows.reduce((s, r) => s + r.memory * r.replicas, 0),
    storage: claims.reduce((s, c) => s + c.size, 0),
  };
}
