#!/usr/bin/env -S npx tsx
/**
 * Makes base images available to the Docker engine: a local image of the right architecture is used
 * as it is, else `docker pull`, else a stand-in is built here (no registry needed):
 *   debian:<suite>-slim           debootstrap --variant=minbase, trimmed as the official slim images are
 *   node:<version>-<suite>-slim   that Debian image + the official Node build from the npm registry
 *                                 (node-linux-<arch>), npm, user `node` (uid 1000), CMD ["node"]
 * Usage: scripts/base-images.ts IMAGE...  (needs a Docker engine; root to build a stand-in), or
 * baseImages() from the test command's setup step.
 * Env: BASE_IMAGES_ARCH (a key of architectures.json; default: this machine's), BASE_IMAGES_CACHE (downloads and
 * rootfs tarballs; default $WIKI_TOOLS_DIR/base-images), BASE_IMAGES_EXTRA_CA (a PEM file or a directory
 * of *.crt the stand-ins trust, for networks whose HTTPS goes through a proxy), DEBIAN_MIRROR.
 * A foreign architecture needs qemu-user-static with binfmt (debootstrap and `docker build` run its binaries).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { $, which, within } from 'zx';
import { long } from './lib/steps.ts';
import { slimRootfs } from './slim-rootfs.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (msg: string) => console.error(`[base-images] ${msg}`);
export class BaseImagesError extends Error {}
const die = (msg: string): never => { throw new BaseImagesError(msg); };
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const nonEmpty = (f: string) => existsSync(f) && statSync(f).size > 0;
const quiet = () => $({ nothrow: true, quiet: true });

/** versions.env's pins (what the bash version sourced): STANDIN_NODE_<major>, STANDIN_NPM_VERSION. */
const PINS = Object.fromEntries(readFileSync(`${ROOT}versions.env`, 'utf8').split('\n')
  .map((l) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]));
const pin = (name: string) => PINS[name] ?? die(`no ${name} in versions.env`);

// The one architecture mapping (architectures.json): Docker's name -> Node's (the npm package suffix).
const NODE_ARCH = Object.fromEntries(Object.entries(JSON.parse(readFileSync(`${ROOT}architectures.json`, 'utf8')) as Record<string, { node: string }>)
  .map(([a, v]) => [a, v.node]));

export async function baseImages(images: string[]) {
  const HOST_ARCH = Object.keys(NODE_ARCH).find((a) => NODE_ARCH[a] === process.arch) ?? process.arch;
  const ARCH = process.env.BASE_IMAGES_ARCH || HOST_ARCH;
  if (!NODE_ARCH[ARCH]) die(`unsupported architecture ${ARCH} (supported: ${Object.keys(NODE_ARCH).join(' ')})`);
  const PLATFORM = `linux/${ARCH}`;
  const CACHE = process.env.BASE_IMAGES_CACHE || `${process.env.WIKI_TOOLS_DIR || '/var/cache/wiki-appliance'}/base-images`;
  const MIRROR = process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian';
  mkdirSync(CACHE, { recursive: true });
  const WORK = mkdtempSync(`${tmpdir()}/base-images-`);

  // A foreign architecture builds with the classic builder: BuildKit in Docker 20.10 does not find a local
  // base image for another platform and asks the registry. (That engine also records imported images as
  // its own architecture, so there foreign stand-ins run their own code but report the host's architecture.)
  const build = (args: string[]) =>
    $({ env: ARCH === HOST_ARCH ? process.env : { ...process.env, DOCKER_BUILDKIT: '0' } })`docker build -q --platform ${PLATFORM} ${args}`;
  const inspect = async (image: string, format: string) => (await quiet()`docker image inspect -f ${format} ${image}`).stdout.trim();
  const present = async (tag: string) => (await inspect(tag, '{{.Architecture}}')) === ARCH;
  const keyOf = (tag: string) => inspect(tag, '{{index .Config.Labels "wiki.standin-key"}}');
  /** The tag is there, carrying the stand-in key it must. */
  const current = async (tag: string, key: string) => (await present(tag)) && (await keyOf(tag)) === key;

  /** The extra CA certificates as one PEM bundle (empty when none are given). */
  const extraCa = () => {
    const src = process.env.BASE_IMAGES_EXTRA_CA;
    if (!src) return '';
    if (existsSync(src) && statSync(src).isDirectory())
      return readdirSync(src).filter((f) => f.endsWith('.crt')).sort().map((f) => readFileSync(`${src}/${f}`, 'utf8')).join('');
    return readFileSync(src, 'utf8');
  };

  /** debian:<suite>-slim's root filesystem, cached as a tarball per suite and architecture. */
  async function rootfsTar(suite: string) {
    const tar = `${CACHE}/debian-${suite}-${ARCH}.tar`;
    if (nonEmpty(tar)) return tar;
    if (!(await which('debootstrap', { nothrow: true })) && process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
      log("installing Debian's debootstrap");
      const apt = () => $({ stdio: ['ignore', 2, 2], nothrow: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -q --no-install-recommends debootstrap`;
      if (!(await apt()).ok) { await $({ stdio: ['ignore', 2, 2] })`apt-get update -q`; await apt(); }
    }
    if (!(await which('debootstrap', { nothrow: true }))) die('debootstrap is needed to build a Debian stand-in (apt-get install debootstrap)');
    const r = mkdtempSync(`${CACHE}/rootfs.`);
    const logFile = `${CACHE}/debootstrap-${suite}-${ARCH}.log`;
    log(`debootstrap --arch ${ARCH} ${suite} (a minute or two)`);
    const out = await long(`debootstrap ${suite}`, () => quiet()`debootstrap --variant=minbase --arch ${ARCH} ${suite} ${r} ${MIRROR}`);
    writeFileSync(logFile, out.stdall);
    if (!out.ok) {
      console.error(out.stdall.trimEnd().split('\n').slice(-5).join('\n'));
      rmSync(r, { recursive: true, force: true });
      die(`debootstrap failed (log: ${logFile})`);
    }
    await slimRootfs(r, suite, MIRROR);
    await $`tar --numeric-owner -C ${r} -cf ${`${tar}.tmp`} .`;
    writeFileSync(`${tar}.sha256`, `${sha(readFileSync(`${tar}.tmp`)).slice(0, 16)}\n`);
    renameSync(`${tar}.tmp`, tar);
    rmSync(r, { recursive: true, force: true });
    return tar;
  }

  async function debianStandin(suite: string) {
    const tag = `debian:${suite}-slim`;
    const ctx = `${WORK}/debian-${suite}`;
    const tar = await rootfsTar(suite);
    mkdirSync(ctx, { recursive: true });
    const ca = extraCa();
    writeFileSync(`${ctx}/extra-ca.pem`, ca);
    const key = `${readFileSync(`${tar}.sha256`, 'utf8').trim()}-${sha(ca).slice(0, 8)}`;
    if (await current(tag, key)) return;
    log(`building stand-in ${tag} (${ARCH})`);
    const rootfsTag = `wiki-standin/debian-rootfs:${suite}-${ARCH}`;
    await $`docker import --platform ${PLATFORM} --change ${'CMD ["bash"]'} --change ${'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'} ${tar} ${rootfsTag}`;
    const dockerfile = [`FROM ${rootfsTag}`];
    if (ca) {
      // Appended to the system bundle (no ca-certificates run needed), and named for Node.
      dockerfile.push('COPY extra-ca.pem /usr/local/share/ca-certificates/wiki-extra-ca.crt',
        'RUN cat /usr/local/share/ca-certificates/wiki-extra-ca.crt >> /etc/ssl/certs/ca-certificates.crt 2>/dev/null || true',
        'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/wiki-extra-ca.crt');
    }
    dockerfile.push(`LABEL wiki.standin-key=${key}`);
    writeFileSync(`${ctx}/Dockerfile`, `${dockerfile.join('\n')}\n`);
    await build(['-t', tag, ctx]);
  }

  /** package@version -> the path of its cached npm tarball. */
  async function npmTgz(spec: string) {
    const at = spec.lastIndexOf('@');
    const file = `${spec.slice(0, at)}-${spec.slice(at + 1)}.tgz`;
    if (!nonEmpty(`${CACHE}/${file}`)) {
      await within(async () => { $.cwd = WORK; await $`npm pack -q ${spec}`; });
      renameSync(`${WORK}/${file}`, `${CACHE}/${file}`);
    }
    return `${CACHE}/${file}`;
  }

  async function nodeStandin(major: string, suite: string) {
    const tag = `node:${major}-${suite}-slim`;
    const ctx = `${WORK}/node-${major}-${suite}`;
    const version = /^\d+\.\d+\.\d+$/.test(major) ? major
      : PINS[`STANDIN_NODE_${major}`] ?? die(`no STANDIN_NODE_${major} in versions.env: which Node build stands in for ${tag}`);
    const npmVersion = pin('STANDIN_NPM_VERSION');
    await debianStandin(suite);
    const base = await inspect(`debian:${suite}-slim`, '{{.Id}}');
    const key = `${base.slice(7, 19)}-${version}-${npmVersion}`;
    if (await current(tag, key)) return;
    log(`building stand-in ${tag} (node ${version}, npm ${npmVersion}, ${ARCH})`);
    const node = await npmTgz(`node-linux-${NODE_ARCH[ARCH]}@${version}`).catch(() => die(`no official Node ${version} build for ${ARCH} on the npm registry`));
    const npm = await npmTgz(`npm@${npmVersion}`);
    mkdirSync(`${ctx}/usr/local/lib/node_modules/npm`, { recursive: true });
    await $`tar -xzf ${node} -C ${`${ctx}/usr/local`} --strip-components=1 --no-same-owner package/bin`;
    await $`tar -xzf ${npm} -C ${`${ctx}/usr/local/lib/node_modules/npm`} --strip-components=1 --no-same-owner`;
    writeFileSync(`${ctx}/Dockerfile`, `FROM debian:${suite}-slim
COPY usr/ /usr/
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV NODE_VERSION=${version}
LABEL wiki.standin-key=${key}
CMD ["node"]
`);
    await build(['-t', tag, ctx]);
  }

  try {
    for (const image of images) {
      const key = await keyOf(image);
      if (!key && (await present(image))) { log(`${image} (${ARCH}): local image`); continue; }
      if (!key && (await quiet()`docker pull -q --platform ${PLATFORM} ${image}`).ok) { log(`${image} (${ARCH}): pulled`); continue; }
      let m: RegExpExecArray | null;
      if ((m = /^debian:(.+)-slim$/.exec(image))) await debianStandin(m[1]!);
      else if ((m = /^node:([^-]+)-(.+)-slim$/.exec(image))) await nodeStandin(m[1]!, m[2]!);
      else die(`cannot pull ${image} and has no stand-in for it (stand-ins: debian:<suite>-slim, node:<version>-<suite>-slim)`);
      log(`${image} (${ARCH}): stand-in ${(await inspect(image, '{{.Id}}')).slice(7, 19)}`);
    }
  } finally {
    rmSync(WORK, { recursive: true, force: true });
  }
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await baseImages(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof BaseImagesError)) throw e;
    log(e.message);
    process.exit(1);
  }
}
