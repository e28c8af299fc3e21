/**
 * A real, throwaway PostgreSQL server for tests: the PostgreSQL release the chart ships, from
 * $WIKI_PG_BIN (scripts/setup/postgresql.ts installs it under the tools directory), in a temporary
 * directory. As root it runs as `nobody`, since PostgreSQL refuses to run as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { waitFor } from '../../bootstrap/run/wait.ts';
import { join } from 'node:path';

const NOBODY = 65534;

/** The server's programs; a clear error, not a skip, where they are missing (the API's tests need them). */
function programs() {
  const bin = process.env.WIKI_PG_BIN;
  if (!bin || !existsSync(join(bin, 'postgres'))) throw new Error('PostgreSQL 18 not found: set WIKI_PG_BIN to its bin directory (npm test installs it: scripts/setup/postgresql.ts)');
  return { INITDB: join(bin, 'initdb'), PG_CTL: join(bin, 'pg_ctl'), POSTGRES: join(bin, 'postgres') };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export type TestPostgres = {
  url: string;
  port: number;
  /** The superuser's password, and the directory holding the server's unix socket (for `PGHOST`). */
  password: string;
  socketDir: string;
  /** Starts the server again on the same port and data (after `stop`). */
  start(): Promise<void>;
  /** Fast shutdown: connections are cut, as in an outage. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
};

/**
 * `superuser` names the role initdb creates (the API's tests connect as it; the init-script test uses
 * `postgres`), with `password`. `hba: 'image'` authenticates as the official image does: its initdb
 * keeps `local all all trust` and it appends `host all all all scram-sha-256` (docker-entrypoint.sh
 * pg_setup_hba_conf); initdb's loopback trust lines are left out, so TCP clients authenticate as pods do.
 */
export async function startPostgres({ superuser = 'wiki', password = 'wiki-test-password', hba = 'scram' }: { superuser?: string; password?: string; hba?: 'scram' | 'image' } = {}): Promise<TestPostgres> {
  const { INITDB, PG_CTL, POSTGRES } = programs();
  const root = mkdtempSync(join(tmpdir(), 'wiki-pg-'));
  const data = join(root, 'data');
  const asUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  if (asUser.uid !== undefined) chownSync(root, NOBODY, NOBODY);
  const pwfile = join(root, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (asUser.uid !== undefined) chownSync(pwfile, NOBODY, NOBODY);
  const auth = hba === 'scram' ? ['--auth=scram-sha-256'] : [];
  const init = spawnSync(INITDB, ['-D', data, '-U', superuser, '--pwfile', pwfile, ...auth, '-E', 'UTF8', '--no-locale', '--no-sync'], { ...asUser, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error}`);
  if (hba === 'image') writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all all scram-sha-256\n');
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(POSTGRES, ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', root,
      '-c', 'fsync=off', '-c', 'max_connections=300', '-c', 'shared_buffers=64MB'], { ...asUser, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    const server = child;
    const exited = new AbortController();
    server.once('exit', () => exited.abort(new Error('postgres exited')));
    await waitFor(async () => /ready to accept connections/.test(stderr) && spawnSync(PG_CTL, ['status', '-D', data], asUser).status === 0,
      { timeoutMs: 20_000, intervalMs: 50, signal: exited.signal, what: 'postgres to accept connections' })
      .catch((err: Error) => { throw new Error(`${err.message}: ${stderr}`); });
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT'); // fast shutdown
    await exited;
  };
  await start();
  return {
    url: `postgres://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    password,
    socketDir: root,
    start,
    stop,
    destroy: async () => { await stop(); rmSync(root, { recursive: true, force: true }); },
  };
}
