/**
 * linux/amd64 and linux/arm64 from the same files: Dockerfile.cluster's download, checksum, archive
 * and skopeo lines rendered for both architectures; the API archive's config for a rootfs of each;
 * the bootstrap's --dry-run plan on each (and its refusal of another); and what the image declares
 * for operators (HEALTHCHECK timeout above the probe's worst case, KUBECONFIG, the `wiki` command).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readArchitectures } from '../bootstrap/config/arch.ts';
import { parseBootConfig } from '../bootstrap/config/settings.ts';
import { main } from '../bootstrap/main.ts';
import { readPins } from '../bootstrap/config/pins.ts';
import { PROBE_WORST_CASE_MS } from '../bootstrap/cluster/probe.ts';
import { ROOT } from './support/root.ts';

const arches = readArchitectures();
const ARCHES = Object.keys(arches);
const pins = readPins();
const dockerfile = readFileSync(join(ROOT, 'Dockerfile.cluster'), 'utf8');
const ARCH_LINE = 'arch="${TARGETARCH:-$(dpkg --print-architecture)}"';

/** The RUN instructions of one stage, continuation lines joined and comment lines dropped (as BuildKit does). */
function runsOf(stage: string): string[] {
  const body = dockerfile.slice(dockerfile.indexOf(`AS ${stage}\n`), dockerfile.indexOf('\nFROM ', dockerfile.indexOf(`AS ${stage}\n`)));
  const joined = body.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  return joined.split('\n').filter((l) => l.startsWith('RUN ')).map((l) => l.slice(4));
}

/** Substitutes ${NAME} from versions.env and the given values; `release` is computed by bash from its own line. */
function render(text: string, arch: string): string {
  const release = /release="([^"]*\$\([^)]*\)[^"]*)"/.exec(text)?.[1];
  const vars: Record<string, string> = { ...pins, arch };
  if (release) vars.release = spawnSync('bash', ['-c', `printf %s "${release}"`], { env: { K3S_VERSION: pins.K3S_VERSION, PATH: process.env.PATH }, encoding: 'utf8' }).stdout;
  // The assignment itself is replaced by its value, so only the URLs built from it remain.
  return text.replace(/release="[^"]*\$\([^)]*\)[^"]*"/, 'release=(rendered)').replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

describe('Dockerfile.cluster for every architecture', () => {
  const runs = [...runsOf('tools-online'), ...runsOf('images-online')];

  it('every RUN that downloads or copies images names the architecture through TARGETARCH, with the dpkg fallback', () => {
    for (const stage of ['tools-online', 'images-online']) {
      assert.match(dockerfile.slice(dockerfile.indexOf(`AS ${stage}\n`)), /^ARG TARGETARCH$/m, stage);
    }
    const archRuns = runs.filter((r) => r.includes('${arch}'));
    assert.equal(archRuns.length, 3);
    for (const r of archRuns) assert.ok(r.includes(ARCH_LINE), r.slice(0, 80));
    // The fallback line itself, run by sh: BuildKit's value wins; without it, dpkg's.
    const stub = mkdtempSync(join(tmpdir(), 'wiki-10-dpkg-'));
    writeFileSync(join(stub, 'dpkg'), '#!/bin/sh\necho arm64\n', { mode: 0o755 });
    const sh = (env: Record<string, string>) => spawnSync('sh', ['-c', `${ARCH_LINE}; printf %s "$arch"`], { env: { PATH: `${stub}:${process.env.PATH}`, ...env }, encoding: 'utf8' }).stdout;
    assert.equal(sh({ TARGETARCH: 'amd64' }), 'amd64');
    assert.equal(sh({}), 'arm64', 'legacy builder: dpkg --print-architecture');
    rmSync(stub, { recursive: true });
  });

  for (const arch of ARCHES) {
    it(`renders every download URL, checksum pattern, archive path and skopeo call for ${arch}`, () => {
      const text = runs.map((r) => render(r, arch)).join('\n');
      const k3s = `https://github.com/k3s-io/k3s/releases/download/${pins.K3S_VERSION.replace('+', '%2B')}`;
      assert.deepEqual([...new Set(text.match(/https:\/\/[^"\s]+/g))].sort(), [
        `${k3s}/k3s-airgap-images-${arch}.tar.zst`, `${k3s}/k3s-images.txt`, `${k3s}/sha256sum-${arch}.txt`,
        `https://dl.k8s.io/release/${pins.KUBECTL_VERSION}/bin/linux/${arch}/kubectl`, `https://dl.k8s.io/release/${pins.KUBECTL_VERSION}/bin/linux/${arch}/kubectl.sha256`,
        `https://get.helm.sh/helm-${pins.HELM_VERSION}-linux-${arch}.tar.gz`, `https://get.helm.sh/helm-${pins.HELM_VERSION}-linux-${arch}.tar.gz.sha256sum`,
        `https://github.com/k3d-io/k3d/releases/download/${pins.K3D_VERSION}/checksums.txt`, `https://github.com/k3d-io/k3d/releases/download/${pins.K3D_VERSION}/k3d-linux-${arch}`,
      ].sort());
      // k3d's checksums.txt names every architecture (`<sha>  _dist/k3d-linux-<arch>`): the rendered awk picks this one only.
      const awk = /awk -v name="([^"]+)" '([^']+)'/.exec(text)!;
      const sums = ARCHES.flatMap((a) => [`${'a'.repeat(63)}${ARCHES.indexOf(a)}  _dist/k3d-linux-${a}`, `${'b'.repeat(64)}  _dist/k3d-linux-${a}.exe`]).join('\n');
      const picked = spawnSync('awk', ['-v', `name=${awk[1]}`, awk[2]!], { input: sums, encoding: 'utf8' }).stdout;
      assert.equal(picked, `${'a'.repeat(63)}${ARCHES.indexOf(arch)}  k3d\n`);
      assert.ok(text.includes(`sha256sum -c --ignore-missing "../sha256sum-${arch}.txt"`));
      assert.ok(text.includes(`grep -q "k3s-airgap-images-${arch}.tar.zst: OK"`));
      assert.ok(text.includes(`zstd -dc "k3s/k3s-airgap-images-${arch}.tar.zst"`));
      assert.ok(text.includes(`tar -xzf helm.tgz --strip-components=1 "linux-${arch}/helm"`));
      assert.equal(text.match(new RegExp(`skopeo --override-os linux --override-arch "${arch}" (copy|inspect)`, 'g'))?.length, 2);
      for (const other of ARCHES.filter((a) => a !== arch)) assert.ok(!text.includes(other), `nothing ${other} in the ${arch} build`);
    });
  }

  it('no architecture name outside the one mapping (Dockerfiles, scripts/, bootstrap/)', () => {
    const files = ['Dockerfile.cluster', 'Dockerfile.api', ...readdirSync(join(ROOT, 'scripts'), { recursive: true, encoding: 'utf8' }).map((f) => `scripts/${f}`),
      ...readdirSync(join(ROOT, 'bootstrap'), { recursive: true, encoding: 'utf8' }).filter((f) => !f.endsWith('.test.ts')).map((f) => `bootstrap/${f}`)];
    for (const f of files) {
      let text: string;
      try { text = readFileSync(join(ROOT, f), 'utf8'); } catch { continue; } // directories
      for (const a of ARCHES) assert.ok(!text.includes(a), `${f} names ${a}`);
    }
  });
});

/** A rootfs whose program is an ELF header of the given machine (all image-archive reads). */
function fakeRootfs(elfMachine: number) {
  const dir = mkdtempSync(join(tmpdir(), 'wiki-10-rootfs-'));
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  const elf = Buffer.alloc(64);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2; elf[5] = 1; // 64-bit, little endian
  elf.writeUInt16LE(elfMachine, 18);
  writeFileSync(join(dir, 'usr/bin/env'), elf, { mode: 0o755 });
  writeFileSync(join(dir, 'hello.txt'), 'hello\n');
  return dir;
}

describe('scripts/image-archive.mjs', () => {
  for (const arch of ARCHES) {
    it(`writes the architecture of the rootfs it packs (${arch}) and the build identity in the tag`, () => {
      const rootfs = fakeRootfs(arches[arch]!.elfMachine);
      const out = mkdtempSync(join(tmpdir(), 'wiki-10-archive-'));
      try {
        const r = spawnSync(process.execPath, [join(ROOT, 'scripts/image-archive.mjs'), '--rootfs', rootfs, '--ref', pins.API_IMAGE, '--out', join(out, 'a.tar'),
          '--identity-tag', '12', '--ref-out', join(out, 'a.ref'), '--user', 'node'], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const tarOut = (member: string) => spawnSync('tar', ['-xOf', join(out, 'a.tar'), member], { encoding: 'utf8' }).stdout;
        const [manifest] = JSON.parse(tarOut('manifest.json')) as { Config: string; RepoTags: string[] }[];
        const configText = tarOut(manifest!.Config);
        const config = JSON.parse(configText);
        assert.equal(config.architecture, arch);
        assert.equal(config.os, 'linux');
        const digest = createHash('sha256').update(configText).digest('hex');
        assert.equal(manifest!.Config, `${digest}.json`);
        assert.deepEqual(manifest!.RepoTags, [`${pins.API_IMAGE}-${digest.slice(0, 12)}`]);
        assert.equal(readFileSync(join(out, 'a.ref'), 'utf8'), `${pins.API_IMAGE}-${digest.slice(0, 12)}\n`);
      } finally {
        rmSync(rootfs, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }
    });
  }

  it('a changed rootfs gets another identity; a rootfs of another machine is refused', () => {
    const refs = [1, 2].map((n) => {
      const rootfs = fakeRootfs(arches[ARCHES[0]!]!.elfMachine);
      writeFileSync(join(rootfs, 'hello.txt'), `build ${n}\n`);
      const out = mkdtempSync(join(tmpdir(), 'wiki-10-archive-'));
      spawnSync(process.execPath, [join(ROOT, 'scripts/image-archive.mjs'), '--rootfs', rootfs, '--ref', pins.API_IMAGE, '--out', join(out, 'a.tar'), '--identity-tag', '12', '--ref-out', join(out, 'a.ref')]);
      return readFileSync(join(out, 'a.ref'), 'utf8');
    });
    assert.notEqual(refs[0], refs[1]);
    const riscv = fakeRootfs(243);
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/image-archive.mjs'), '--rootfs', riscv, '--ref', pins.API_IMAGE, '--out', join(riscv, 'x.tar')], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /ELF machine 243 is none of/);
  });
});

describe('the bootstrap on each architecture', () => {
  const dryRun = async (arch: string) => {
    let out = '';
    const code = await main({ argv: ['--dry-run'], env: { WIKI_HOME: '/nonexistent', WIKI_STATE_DIR: '/nonexistent/state' }, out: (s) => { out += s; }, onSignal: () => {}, exit: () => {}, arch });
    return { code, out };
  };
  for (const [arch, { node }] of Object.entries(arches)) {
    it(`--dry-run with process.arch ${node} plans the ${arch} bundle, every file listed, nothing of another architecture`, async () => {
      const { code, out } = await dryRun(node);
      assert.equal(code, 0, out);
      assert.match(out, new RegExp(`dry run: the plan for linux/${arch}`));
      for (const f of ['docker/rancher-k3s.tar', 'docker/k3d-tools.tar', `k3s/k3s-airgap-images-${arch}.tar.zst`, 'k3s/postgres.tar', 'k3s/prometheus.tar', 'k3s/grafana.tar', 'k3s/wiki-api.tar']) {
        assert.match(out, new RegExp(`\\| /nonexistent/images/${f.replace(/\./g, '\\.')}`));
      }
      for (const other of ARCHES.filter((a) => a !== arch)) assert.ok(!out.includes(other), `no ${other} in the ${arch} plan`);
    });
  }

  it('an unknown architecture is refused with one clear line, exit 2', async () => {
    const { code, out } = await dryRun('ia32');
    assert.equal(code, 2);
    assert.equal(out, `start-cluster: unsupported architecture ia32: the appliance is built for ${Object.entries(arches).map(([k, a]) => `${k} (Node ${a.node})`).join(' and ')}\n`);
  });
});

describe('what the image declares for operators', () => {
  it('HEALTHCHECK timeout above the probe\'s worst case; KUBECONFIG is the file the bootstrap writes; `wiki` runs the entrypoint', () => {
    const hc = /^HEALTHCHECK .*--timeout=(\d+)s.* CMD \["node", "\/opt\/wiki\/dist\/start-cluster\.js", "--probe"\]$/m.exec(dockerfile);
    assert.ok(hc, 'HEALTHCHECK line');
    assert.ok(Number(hc[1]) * 1000 >= PROBE_WORST_CASE_MS + 5000, `timeout ${hc[1]}s vs probe worst case ${PROBE_WORST_CASE_MS} ms plus Node's start`);
    const kube = /^ENV .*\bKUBECONFIG=(\S+)/m.exec(dockerfile)?.[1];
    assert.equal(kube, join(parseBootConfig({}).stateDir, 'kubeconfig'));
    assert.ok(dockerfile.includes('ln -s /opt/wiki/dist/start-cluster.js /usr/local/bin/wiki'));
    assert.match(readFileSync(join(ROOT, 'start-cluster.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/, 'the link runs node through the #! line');
  });
});
