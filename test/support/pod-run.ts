/**
 * A rendered workload's container as a `docker run`, the way the kubelet would start it: its env (secretKeyRefs read
 * from the same render), command and args, the pod's user, group and fsGroup, the container's securityContext
 * (read-only root, no capabilities, no privilege escalation), and its volumes: emptyDirs as tmpfs, ConfigMaps as
 * files written with their modes and bound read-only (whole or by subPath), claims as Docker volumes the caller names.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find, type K8sObject, type Yaml } from './helm.ts';
import { containerEnv } from './postgres-pod.ts';

export type PodRun = {
  /** `docker run` options (before the image). */
  options: string[];
  image: string;
  /** The arguments after the image: the container's command past its first word, then its args. */
  command: string[];
  /** Removes the files written for ConfigMaps and the env file. */
  cleanup(): void;
};

export type PodRunOpts = {
  /** A claim's volume name (a PVC volume or a volumeClaimTemplate) -> the Docker volume mounted for it. */
  claims?: Record<string, string>;
  /** Replaces a ConfigMap volume's files (e.g. a Prometheus config without Kubernetes discovery). */
  configMaps?: Record<string, Record<string, string>>;
  /** Variables set over the rendered env. */
  env?: Record<string, string>;
};

export function podRun(objs: K8sObject[], workload: K8sObject, name: string, opts: PodRunOpts = {}): PodRun {
  const pod = workload.spec.template.spec;
  const c = (pod.containers as Yaml[]).find((x) => x.name === name);
  if (!c) throw new Error(`${workload.kind}/${workload.metadata.name} has no container ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'wiki-pod-run-'));
  chmodSync(dir, 0o755);
  try {
    const psc = pod.securityContext ?? {};
    const sc = c.securityContext ?? {};
    const options: string[] = [];
    const user = sc.runAsUser ?? psc.runAsUser;
    if (user !== undefined) options.push('--user', `${user}:${sc.runAsGroup ?? psc.runAsGroup ?? 0}`);
    if (psc.fsGroup !== undefined) options.push('--group-add', String(psc.fsGroup));
    if (sc.readOnlyRootFilesystem) options.push('--read-only');
    for (const cap of sc.capabilities?.drop ?? []) options.push('--cap-drop', cap);
    if (sc.allowPrivilegeEscalation === false) options.push('--security-opt', 'no-new-privileges');

    const env = { ...containerEnv(objs, workload, name), ...opts.env };
    const bad = Object.entries(env).find(([, v]) => v.includes('\n'));
    if (bad) throw new Error(`env ${bad[0]} has a newline: --env-file cannot carry it`);
    writeFileSync(join(dir, 'env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    options.push('--env-file', join(dir, 'env'));

    const volumes = new Map<string, Yaml>((pod.volumes ?? []).map((v: Yaml) => [v.name, v]));
    for (const t of workload.spec.volumeClaimTemplates ?? []) volumes.set(t.metadata.name, { name: t.metadata.name, persistentVolumeClaim: {} });
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) throw new Error(`volumeMount ${m.name} has no volume`);
      if (v.emptyDir) {
        // The kubelet's emptyDir: 0777, and with an fsGroup owned by that group with the setgid bit.
        const mode = psc.fsGroup === undefined ? '0777' : '2777';
        options.push('--tmpfs', `${m.mountPath}:rw,exec,mode=${mode}${psc.fsGroup === undefined ? '' : `,gid=${psc.fsGroup}`}`);
      } else if (v.configMap) {
        const files: Record<string, string> = opts.configMaps?.[m.name] ?? find(objs, 'ConfigMap', v.configMap.name).data ?? {};
        const at = join(dir, m.name);
        mkdirSync(at, { recursive: true, mode: 0o755 });
        for (const [f, text] of Object.entries(files)) {
          writeFileSync(join(at, f), text);
          chmodSync(join(at, f), v.configMap.defaultMode ?? 0o644);
        }
        options.push('--mount', `type=bind,source=${m.subPath ? join(at, m.subPath) : at},target=${m.mountPath},readonly`);
      } else if (v.persistentVolumeClaim) {
        const volume = opts.claims?.[m.name];
        if (!volume) throw new Error(`volume ${m.name} is a claim: name the Docker volume for it (claims.${m.name})`);
        options.push('--mount', `type=volume,source=${volume},target=${m.mountPath}${m.readOnly ? ',readonly' : ''}`);
      } else {
        throw new Error(`volume ${m.name}: only emptyDir, configMap and claims are run here`);
      }
    }
    const [entrypoint, ...rest] = c.command ?? [];
    if (entrypoint) options.push('--entrypoint', entrypoint);
    return { options, image: c.image, command: [...rest, ...(c.args ?? [])], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
