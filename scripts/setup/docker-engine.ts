/**
 * A Docker engine: the one answering on DOCKER_HOST (or the default socket); else, as root on Debian,
 * Debian's docker.io with its own data root under $TOOLS/docker (left running for the next run).
 * Hands the tests DOCKER_HOST (when it is that engine), DOCKER_BUILDKIT=1 and a PATH whose docker builds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { $, sleep, which } from 'zx';
import { has, isRoot, SetupError, TOOLS, type Step } from './step.ts';

const DIR = `${TOOLS}/docker`;
const OWN_HOST = `unix://${DIR}/docker.sock`;
const answers = async () => (await $({ nothrow: true, quiet: true, timeout: '20s' })`docker info`).ok;
const apt = (pkgs: string[]) =>
  $({ stdio: 'inherit', nothrow: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -q --no-install-recommends ${pkgs}`;
/** The image tests need BuildKit (stage selection): a client with buildx, or Debian's 20.10 one, which has it built in. */
const builds = async () => (await $({ nothrow: true, quiet: true })`docker buildx version`).ok
  || /^20\./.test((await $({ nothrow: true, quiet: true })`docker version --format ${'{{.Client.Version}}'}`).stdout);

async function startDockerd() {
  mkdirSync(DIR, { recursive: true });
  console.log(`engine: starting dockerd (data root ${DIR}/data, log ${DIR}/dockerd.log)`);
  // Its own session, outliving the test command (setsid dockerd … &).
  const log = openSync(`${DIR}/dockerd.log`, 'w');
  spawn('dockerd', ['--host', OWN_HOST, '--data-root', `${DIR}/data`, '--exec-root', `${DIR}/exec`, '--pidfile', `${DIR}/dockerd.pid`],
    { detached: true, stdio: ['ignore', log, log] }).unref();
  for (let i = 0; i < 150 && !(await answers()); i++) await sleep(200);
  if (!(await answers())) {
    await $({ stdio: 'inherit', nothrow: true })`tail -20 ${`${DIR}/dockerd.log`} >&2`;
    throw new SetupError('dockerd did not come up (log above)');
  }
}

export default {
  name: 'docker-engine',
  async cached() {
    if ((await has('docker')) && (await answers())) return `engine: ${process.env.DOCKER_HOST || 'default socket'} answers`;
    if (isRoot() && existsSync('/etc/debian_version')) {
      process.env.DOCKER_HOST = OWN_HOST;
      if ((await has('docker')) && (await answers())) return `engine: ${OWN_HOST}`;
    }
    return undefined;
  },
  async run() {
    if (!isRoot() || !existsSync('/etc/debian_version'))
      throw new SetupError('no Docker engine answers: install Docker (https://docs.docker.com/engine/install/) and start it, or set DOCKER_HOST');
    if (!(await has('dockerd'))) {
      await $({ stdio: 'inherit' })`apt-get update -q`;
      if (!(await apt(['docker.io', 'iptables'])).ok) throw new SetupError('apt-get install docker.io failed');
    }
    process.env.DOCKER_HOST = OWN_HOST;
    if (!(await answers())) await startDockerd();
    console.log(`engine: ${OWN_HOST}`);
  },
  async after() {
    process.env.DOCKER_BUILDKIT = '1';
    // A newer client without buildx refuses to build, so prefer Debian's client or plugin.
    const docker = await which('docker', { nothrow: true });
    if (!(await builds()) && docker && existsSync('/usr/bin/docker') && realpathSync(docker) !== '/usr/bin/docker') {
      mkdirSync(`${DIR}/bin`, { recursive: true });
      rmSync(`${DIR}/bin/docker`, { force: true });
      symlinkSync('/usr/bin/docker', `${DIR}/bin/docker`);
      process.env.PATH = `${DIR}/bin:${process.env.PATH}`;
    }
    if (!(await builds()) && isRoot() && (await has('apt-get')) && !(await apt(['docker-buildx'])).ok) console.error("Debian's docker-buildx did not install");
    if (!(await builds())) throw new SetupError('docker cannot build with BuildKit: install the buildx plugin (Debian: docker-buildx)');
    const client = await $`docker version --format ${'{{.Client.Version}}'}`;
    console.log(`client: ${await which('docker')} ${client.stdout.trim()}`);
  },
} satisfies Step;
