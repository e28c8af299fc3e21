/**
 * The stand-ins for the images the chart and the tests' real node run (test/images/<name>/, its README says what
 * each honours): built with the local Docker engine under the exact reference versions.env pins, from a context
 * staged out of the image's directory and the binaries the test command built, and built again only when the hash
 * of that context (with the base image it starts FROM) changes: the hash is the image's label wiki.standin-context.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { readVersions } from '../../bootstrap/config/pins.ts';
import { ROOT } from './root.ts';

const TOOLS = process.env.WIKI_TOOLS_DIR ?? '/var/cache/wiki-appliance';
const LABEL = 'wiki.standin-context';

/** Files from outside the repository a context needs: its path in the context -> a file or directory on this machine. */
type Inputs = Record<string, string>;
type Versions = Record<string, string>;

type StandIn = {
  name: string;
  /** The versions.env key of the reference it is built as. */
  pin: string;
  /** Build arguments; those naming a base image make its id part of the hash. */
  args(v: Versions): Record<string, string>;
  /** Gathers (or builds, into `work`) what the context needs beyond test/images/<name>/. */
  inputs(v: Versions, work: string): Promise<Inputs>;
};

/** A failure of one image at one step, with the end of the tool's output. */
export class StandInError extends Error {}
const tail = (out: string) => out.trim().split('\n').slice(-15).join('\n');

/** Runs a command for `image`'s `step`; throws a StandInError naming both, with the tail of its output. */
export async function step(image: string, what: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await $({ nothrow: true, quiet: true, cwd: opts.cwd, env: opts.env ?? process.env })`${cmd} ${args}`;
  if (!r.ok) throw new StandInError(`${image}: ${what} failed (${cmd} exit ${r.exitCode}):\n${tail(r.stdall)}`);
  return r.stdout.trim();
}

const need = (image: string, path: string, why: string) => {
  if (!existsSync(path)) throw new StandInError(`${image}: ${path} is missing (${why})`);
  return path;
};

/** The tests' PostgreSQL tree (scripts/setup/postgresql.ts: WIKI_PG_BIN, else its default for the pinned version). */
const pgTree = (v: Versions) =>
  process.env.WIKI_PG_BIN ? join(process.env.WIKI_PG_BIN, '..') : `${TOOLS}/postgresql-${v.POSTGRES_IMAGE!.split(':').pop()!.split('-')[0]}.0`;

/** A static busybox from Debian's busybox-static package (this machine's release), unpacked once into the tools cache. */
async function busybox(work: string) {
  const cached = `${TOOLS}/busybox-static/busybox`;
  if (existsSync(cached)) return cached;
  const image = 'prometheus stand-in';
  const download = () => $({ nothrow: true, quiet: true, cwd: work })`apt-get download busybox-static`;
  if (!(await download()).ok) {
    await step(image, 'apt-get update (for busybox-static)', 'apt-get', ['update', '-q']);
    await step(image, 'apt-get download busybox-static', 'apt-get', ['download', 'busybox-static'], { cwd: work });
  }
  const deb = readdirSync(work).find((f) => f.startsWith('busybox-static_') && f.endsWith('.deb'));
  if (!deb) throw new StandInError(`${image}: apt-get download left no busybox-static .deb`);
  await step(image, 'dpkg-deb -x busybox-static', 'dpkg-deb', ['-x', join(work, deb), join(work, 'busybox-static')]);
  mkdirSync(`${TOOLS}/busybox-static`, { recursive: true });
  // Renamed into place whole: another run may be unpacking it at the same time.
  cpSync(join(work, 'busybox-static/bin/busybox'), `${cached}.${process.pid}.tmp`);
  renameSync(`${cached}.${process.pid}.tmp`, cached);
  return cached;
}

export const STAND_INS: StandIn[] = [
  {
    name: 'postgres',
    pin: 'POSTGRES_IMAGE',
    args: (v) => ({ DEBIAN_IMAGE: v.DEBIAN_IMAGE! }),
    async inputs(v) {
      need('postgres stand-in', join(pgTree(v), 'bin/postgres'), 'the test command\'s postgresql step installs it');
      return { postgresql: pgTree(v) };
    },
  },
  {
    name: 'prometheus',
    pin: 'PROMETHEUS_IMAGE',
    args: (v) => ({ DEBIAN_IMAGE: v.DEBIAN_IMAGE! }),
    inputs: async (_v, work) => ({
      prometheus: need('prometheus stand-in', `${TOOLS}/bin/prometheus`, 'the test command\'s prometheus step builds it'),
      promtool: need('prometheus stand-in', `${TOOLS}/bin/promtool`, 'the test command\'s prometheus step builds it'),
      busybox: await busybox(work),
    }),
  },
  {
    name: 'grafana',
    pin: 'GRAFANA_IMAGE',
    // The Node stand-in the test command makes (TEST_NODE_IMAGE), as the image tests build Dockerfile.api.
    args: (v) => ({ NODE_IMAGE: v.TEST_NODE_IMAGE!, GRAFANA_IMAGE: v.GRAFANA_IMAGE! }),
    inputs: async () => ({}),
  },
  {
    name: 'pause',
    pin: 'PAUSE_IMAGE',
    args: () => ({}),
    async inputs(v, work) {
      const out = join(work, 'pause');
      const ldflags = `-s -w -X main.version=${v.PAUSE_IMAGE!.split(':').pop()}`;
      await step('pause stand-in', 'go build pause.go', 'go', ['build', '-trimpath', '-ldflags', ldflags, '-o', out, 'pause.go'],
        { cwd: `${ROOT}test/images/pause`, env: { ...process.env, CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '' } });
      return { pause: out };
    },
  },
];

/** Every file under `path` (symlinks as links), as relative name -> path, in a stable order. */
function walk(path: string, name = ''): [string, string][] {
  const st = lstatSync(path);
  if (!st.isDirectory()) return [[name, path]];
  return readdirSync(path).sort().flatMap((n) => walk(join(path, n), name ? `${name}/${n}` : n));
}

/** The hash of a context: each file's name, permission bits and content (a symlink's target), then the extra parts. */
function contextHash(sources: Inputs, extra: string[]) {
  const h = createHash('sha256');
  for (const [at, from] of Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [name, path] of walk(from, at)) {
      const st = lstatSync(path);
      h.update(`${name}\0${st.mode & 0o777}\0`);
      h.update(st.isSymbolicLink() ? readlinkSync(path) : readFileSync(path));
    }
  }
  for (const e of extra) h.update(`\0${e}`);
  return h.digest('hex').slice(0, 16);
}

/** An image's value of the stand-in label, or undefined when the engine has no such image. */
async function labelOf(ref: string) {
  const r = await $({ nothrow: true, quiet: true })`docker image inspect -f ${`{{index .Config.Labels "${LABEL}"}}`} ${ref}`;
  return r.ok ? r.stdout.trim() : undefined;
}

/** Builds one stand-in unless the engine already has it from the same context; says which it did. */
async function buildStandIn(s: StandIn, v: Versions, log: (line: string) => void) {
  const ref = v[s.pin] ?? '';
  if (!ref) throw new StandInError(`${s.name} stand-in: ${s.pin} is not in versions.env`);
  const work = mkdtempSync(join(tmpdir(), `wiki-standin-${s.name}-`));
  try {
    const args = s.args(v);
    const bases = await Promise.all(Object.entries(args).filter(([k]) => ['DEBIAN_IMAGE', 'NODE_IMAGE'].includes(k)).map(async ([, base]) => {
      const r = await $({ nothrow: true, quiet: true })`docker image inspect -f {{.Id}} ${base}`;
      if (!r.ok) throw new StandInError(`${ref}: base image ${base} is not in the engine (the test command's base-images step makes it)`);
      return `${base}@${r.stdout.trim()}`;
    }));
    const sources: Inputs = { ...Object.fromEntries(readdirSync(`${ROOT}test/images/${s.name}`).map((f) => [f, `${ROOT}test/images/${s.name}/${f}`])), ...(await s.inputs(v, work)) };
    const key = contextHash(sources, [...Object.entries(args).map(([k, a]) => `${k}=${a}`), ...bases]);
    if ((await labelOf(ref)) === key) {
      log(`${ref}: cached (${LABEL}=${key})`);
      return;
    }
    const ctx = join(work, 'context');
    for (const [at, from] of Object.entries(sources)) cpSync(from, join(ctx, at), { recursive: true, verbatimSymlinks: true });
    const t0 = Date.now();
    await step(ref, 'docker build', 'docker', ['build', '-q', '-t', ref, '--label', `${LABEL}=${key}`, ...Object.entries(args).flatMap(([k, a]) => ['--build-arg', `${k}=${a}`]), ctx]);
    log(`${ref}: built from test/images/${s.name} in ${((Date.now() - t0) / 1000).toFixed(1)}s (${LABEL}=${key})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds every stand-in that is missing or out of date, one at a time; returns their pinned references. */
export async function buildStandIns(opts: { log?: (line: string) => void } = {}): Promise<string[]> {
  const v = readVersions();
  for (const s of STAND_INS) await buildStandIn(s, v, opts.log ?? (() => {}));
  return STAND_INS.map((s) => v[s.pin]!);
}
