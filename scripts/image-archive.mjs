#!/usr/bin/env node
// Packs a root filesystem into a `docker save`-format archive (one layer), so Dockerfile.cluster can
// bundle the API image it builds without a Docker daemon; k3s (containerd) and `docker load` both
// import this format. Plain JavaScript: it runs in a build stage before anything is compiled.
//   node image-archive.mjs --rootfs DIR --ref NAME:TAG --out FILE [--env K=V]... [--keep-env K]...
//        --arch ARCH [--user U] [--workdir D] [--cmd JSON] [--expose PORT]      (ARCH: Docker's, e.g. amd64, arm64)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
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
for (const k of ['rootfs', 'ref', 'out', 'arch']) if (!opts[k]) throw new Error(`--${k} is required`);

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
    architecture: opts.arch,
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
  writeFileSync(join(work, 'manifest.json'), JSON.stringify([{ Config: `${configSha}.json`, RepoTags: [opts.ref], Layers: [`${layerSha}/layer.tar`] }]));
  const [name, tag] = [opts.ref.slice(0, opts.ref.lastIndexOf(':')), opts.ref.slice(opts.ref.lastIndexOf(':') + 1)];
  writeFileSync(join(work, 'repositories'), JSON.stringify({ [name]: { [tag]: layerSha } }));
  execFileSync('tar', ['-C', work, '-cf', opts.out, 'manifest.json', 'repositories', `${configSha}.json`, `${layerSha}/layer.tar`], { stdio: 'inherit' });
  process.stdout.write(`image-archive: ${opts.ref} -> ${opts.out} (layer sha256:${layerSha.slice(0, 12)})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
