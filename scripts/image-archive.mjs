#!/usr/bin/env node
// Packs a root filesystem into a `docker save`-format archive (one layer), so Dockerfile.cluster can
// bundle the API image it builds without a Docker daemon; k3s (containerd) and `docker load` both
// import this format. Plain JavaScript: it runs in a build stage before anything is compiled.
// The config's architecture is the rootfs's own (the ELF machine of its programs, named through
// ../architectures.json); `--identity-tag N` appends the first N hex digits of the config digest to
// the tag (the build's identity) and `--ref-out FILE` writes the resulting reference there.
//   node image-archive.mjs --rootfs DIR --ref NAME:TAG --out FILE [--env K=V]... [--keep-env K]...
//        [--user U] [--workdir D] [--cmd JSON] [--expose PORT] [--identity-tag N --ref-out FILE]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const opts = { env: [], keepEnv: [], expose: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [k, v] = [argv[i], argv[i + 1]];
  if (v === undefined) throw new Error(`${k} needs a value`);
  if (k === '--env') opts.env.push(v);
  else if (k === '--keep-env') opts.keepEnv.push(v);
  else if (k === '--expose') opts.expose.push(v);
  else opts[k.replace(/^--/, '')] = v;
}
for (const k of ['rootfs', 'ref', 'out']) if (!opts[k]) throw new Error(`--${k} is required`);

/** The architecture of the rootfs: the ELF e_machine of its first program found, named by architectures.json. */
function rootfsArch(rootfs) {
  const arches = JSON.parse(readFileSync(new URL('../architectures.json', import.meta.url), 'utf8'));
  const program = ['usr/local/bin/node', 'usr/bin/env'].map((p) => join(rootfs, p)).find((p) => existsSync(p));
  if (!program) throw new Error(`no program in ${rootfs} to read its architecture from (usr/local/bin/node, usr/bin/env)`);
  const header = Buffer.alloc(20);
  const fd = openSync(program, 'r');
  try { readSync(fd, header, 0, 20, 0); } finally { closeSync(fd); }
  if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${program} is not an ELF file`);
  const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  const arch = Object.entries(arches).find(([, a]) => a.elfMachine === machine)?.[0];
  if (!arch) throw new Error(`${program}: ELF machine ${machine} is none of ${Object.keys(arches).join(', ')}`);
  return arch;
}

const sha256File = (path) => new Promise((resolve, reject) => {
  const h = createHash('sha256');
  createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
});

const work = mkdtempSync(join(tmpdir(), 'image-archive-'));
try {
  // Numeric owners and sorted names: the layer reproduces the stage's files and ownership exactly.
  const layerTmp = join(work, 'layer.tar');
  execFileSync('tar', ['--numeric-owner', '--sort=name', '--xattrs', '-C', opts.rootfs, '-cf', layerTmp, '.'], { stdio: 'inherit' });
  const layerSha = await sha256File(layerTmp);
  mkdirSync(join(work, layerSha));
  renameSync(layerTmp, join(work, layerSha, 'layer.tar'));

  // The base image's environment (PATH, NODE_VERSION, ...) is the packer's own: it runs on that base.
  const env = [...opts.keepEnv.filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`), ...opts.env];
  const config = {
    architecture: rootfsArch(opts.rootfs),
    os: 'linux',
    created: new Date(0).toISOString(),
    config: {
      Env: env,
      ...(opts.cmd ? { Cmd: JSON.parse(opts.cmd) } : {}),
      ...(opts.workdir ? { WorkingDir: opts.workdir } : {}),
      ...(opts.user ? { User: opts.user } : {}),
      ...(opts.expose.length ? { ExposedPorts: Object.fromEntries(opts.expose.map((p) => [`${p}/tcp`, {}])) } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerSha}`] },
    history: [{ created: new Date(0).toISOString(), created_by: 'image-archive.mjs (Dockerfile.cluster api-runtime stage)' }],
  };
  const configJson = JSON.stringify(config);
  const configSha = createHash('sha256').update(configJson).digest('hex');
  writeFileSync(join(work, `${configSha}.json`), configJson);
  const ref = opts['identity-tag'] ? `${opts.ref}-${configSha.slice(0, Number(opts['identity-tag']))}` : opts.ref;
  writeFileSync(join(work, 'manifest.json'), JSON.stringify([{ Config: `${configSha}.json`, RepoTags: [ref], Layers: [`${layerSha}/layer.tar`] }]));
  const [name, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
  writeFileSync(join(work, 'repositories'), JSON.stringify({ [name]: { [tag]: layerSha } }));
  execFileSync('tar', ['-C', work, '-cf', opts.out, 'manifest.json', 'repositories', `${configSha}.json`, `${layerSha}/layer.tar`], { stdio: 'inherit' });
  if (opts['ref-out']) writeFileSync(opts['ref-out'], `${ref}\n`);
  process.stdout.write(`image-archive: ${ref} (${config.architecture}) -> ${opts.out} (layer sha256:${layerSha.slice(0, 12)}, config sha256:${configSha.slice(0, 12)})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
