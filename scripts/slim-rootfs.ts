#!/usr/bin/env -S npx tsx
/**
 * Trims a debootstrapped Debian tree the way the official debian:<suite>-slim images are made
 * (debuerreotype): deb822 sources, container apt/dpkg settings, no docs, man pages or locales, no caches.
 * Usage: scripts/slim-rootfs.ts ROOTFS SUITE MIRROR (or slimRootfs() from scripts/base-images.ts).
 */
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
/** Empties `dir`'s entries (as `rm -rf dir/*`, hidden files kept); absent is fine. */
const emptyDir = (dir: string, keep: (name: string) => boolean = () => false) => {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) if (!e.startsWith('.') && !keep(e)) rmSync(`${dir}/${e}`, { recursive: true, force: true });
};

export async function slimRootfs(r: string, suite: string, mirror: string) {
  rmSync(`${r}/etc/apt/sources.list`, { force: true });
  const signed = 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg';
  writeFileSync(`${r}/etc/apt/sources.list.d/debian.sources`, lines('Types: deb', `URIs: ${mirror}`, `Suites: ${suite} ${suite}-updates`,
    'Components: main', signed, '', 'Types: deb', `URIs: ${mirror.replace(/\/debian$/, '')}/debian-security`, `Suites: ${suite}-security`,
    'Components: main', signed));
  // Services never start inside an image build; dpkg skips fsync.
  writeFileSync(`${r}/usr/sbin/policy-rc.d`, '#!/bin/sh\nexit 101\n');
  chmodSync(`${r}/usr/sbin/policy-rc.d`, 0o755);
  writeFileSync(`${r}/etc/dpkg/dpkg.cfg.d/docker-apt-speedup`, 'force-unsafe-io\n');
  // apt keeps no package caches or translations in layers.
  const clean = 'rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true';
  writeFileSync(`${r}/etc/apt/apt.conf.d/docker-clean`, lines(`DPkg::Post-Invoke { "${clean}"; };`, `APT::Update::Post-Invoke { "${clean}"; };`,
    'Dir::Cache::pkgcache "";', 'Dir::Cache::srcpkgcache "";'));
  writeFileSync(`${r}/etc/apt/apt.conf.d/docker-no-languages`, 'Acquire::Languages "none";\n');
  writeFileSync(`${r}/etc/apt/apt.conf.d/docker-gzip-indexes`, 'Acquire::GzipIndexes "true";\n');
  writeFileSync(`${r}/etc/apt/apt.conf.d/docker-autoremove-suggests`, 'Apt::AutoRemove::SuggestsImportant "false";\n');
  // Slim: documentation, man pages and locales stay out, now and in later installs.
  const excluded = ['doc', 'groff', 'info', 'linda', 'lintian/overrides', 'locale', 'man'];
  writeFileSync(`${r}/etc/dpkg/dpkg.cfg.d/docker`,
    lines(...excluded.map((d) => `path-exclude /usr/share/${d}/*`), 'path-include /usr/share/doc/*/copyright'));
  await $`find ${`${r}/usr/share/doc`} -mindepth 1 -not -name copyright -not -type d -delete`;
  await $`find ${`${r}/usr/share/doc`} -mindepth 1 -type d -empty -delete`;
  for (const d of ['groff', 'info', 'linda', 'lintian', 'locale', 'man']) emptyDir(`${r}/usr/share/${d}`);
  emptyDir(`${r}/var/cache/apt/archives`, (e) => !e.endsWith('.deb'));
  emptyDir(`${r}/var/cache/apt`, (e) => !e.endsWith('.bin'));
  emptyDir(`${r}/var/lib/apt/lists`);
  emptyDir(`${r}/var/log`, (e) => !e.endsWith('.log'));
  emptyDir(`${r}/var/log/apt`);
  emptyDir(`${r}/tmp`);
  rmSync(`${r}/var/cache/ldconfig/aux-cache`, { force: true });
  // Docker bind-mounts these per container.
  writeFileSync(`${r}/etc/resolv.conf`, '');
  writeFileSync(`${r}/etc/hostname`, '');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [r, suite, mirror] = process.argv.slice(2);
  if (!r || !suite || !mirror) { console.error('usage: scripts/slim-rootfs.ts ROOTFS SUITE MIRROR'); process.exit(2); }
  await slimRootfs(r, suite, mirror);
}
