/**
 * The images the tests' real node pulls, in its local registry: the stand-ins (stand-ins.ts) and the API image
 * when the engine has it, each pushed as `<registry>/<path>`, where path is its reference without the registry
 * host: what containerd asks a mirror of that host for (docker.io/library/postgres:18.6-trixie ->
 * library/postgres:18.6-trixie; registry.k8s.io/pause:3.10.1 -> pause:3.10.1; wiki-appliance/api:0.1.0, which
 * is docker.io/wiki-appliance/api, -> wiki-appliance/api:0.1.0).
 */
import { $ } from 'zx';
import { readVersions } from '../../bootstrap/config/pins.ts';
import { buildStandIns, step, STAND_INS } from './stand-ins.ts';

/** Docker's reading of a reference's first component: a registry host when it has a dot or a port, or is localhost. */
const split = (ref: string) => {
  const [first, ...rest] = ref.split('/');
  return rest.length > 0 && (/[.:]/.test(first!) || first === 'localhost') ? { host: first!, path: rest.join('/') } : { host: 'docker.io', path: ref };
};

/** The registry a reference is pulled from (docker.io for a bare name), as containerd's hosts configuration names it. */
export const upstreamHost = (ref: string) => split(ref).host;

/** A reference's repository and tag inside its registry; Docker Hub's one-component names are under library/. */
export function registryPath(ref: string): string {
  const { host, path } = split(ref);
  return host === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
}

/** Every image chartImages() pushes (whether or not the engine has the API image), pinned reference -> registry path. */
export function registryPaths(): Record<string, string> {
  const v = readVersions();
  const refs = [...STAND_INS.map((s) => v[s.pin]!), ...(v.API_IMAGE ? [v.API_IMAGE] : [])];
  return Object.fromEntries(refs.map((ref) => [ref, registryPath(ref)]));
}

const inEngine = async (ref: string) => (await $({ nothrow: true, quiet: true })`docker image inspect -f {{.Id}} ${ref}`).ok;

/**
 * Builds the stand-ins (cached), then tags and pushes each, the API image (API_IMAGE) when the engine has it, and
 * any `also` (say the API image under its build tag; these must be in the engine), into the registry at `registry`
 * (host:port; Docker trusts a 127.0.0.0/8 registry over plain HTTP). Returns the references pushed.
 */
export async function chartImages(opts: { registry: string; also?: string[]; log?: (s: string) => void }): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const refs = await buildStandIns({ log });
  const api = readVersions().API_IMAGE;
  if (api && (await inEngine(api))) refs.push(api);
  else log(`${api ?? 'API_IMAGE'}: not in the engine, not pushed`);
  for (const ref of opts.also ?? []) {
    if (!(await inEngine(ref))) throw new Error(`${ref}: not in the engine, cannot be pushed`);
    if (!refs.includes(ref)) refs.push(ref);
  }
  for (const ref of refs) {
    const target = `${opts.registry}/${registryPath(ref)}`;
    const t0 = Date.now();
    await step(ref, `docker tag as ${target}`, 'docker', ['tag', ref, target]);
    await step(ref, `docker push ${target}`, 'docker', ['push', '--quiet', target]);
    log(`${ref}: pushed as ${target} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  return refs;
}
