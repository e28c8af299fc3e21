/**
 * The chart's PostgreSQL container stood up on the tests' PostgreSQL 18 the way the official image
 * runs it (docker-library/postgres 18/trixie docker-entrypoint.sh): the rendered container environment
 * with its Secrets read from the same render, the image's first start on an empty volume, and the
 * environment a `kubectl exec` into that container sees. Nothing is added that the chart or the image
 * does not set, except where the server's socket is (PGHOST/PGPORT stand for /var/run/postgresql:5432).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find, type K8sObject, type Yaml } from './helm.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

/** A container's environment as the kubelet builds it: plain values, and secretKeyRefs read from the rendered Secrets. */
export function containerEnv(objs: K8sObject[], workload: K8sObject, container: string): Record<string, string> {
  const c = (workload.spec.template.spec.containers as Yaml[]).find((x) => x.name === container);
  if (!c) throw new Error(`${workload.kind}/${workload.metadata.name} has no container ${container}`);
  return Object.fromEntries((c.env ?? []).map((e: Yaml) => {
    if (e.value !== undefined) return [e.name, String(e.value)];
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`env ${e.name}: only value and secretKeyRef are resolved here`);
    const secret = find(objs, 'Secret', ref.name);
    const b64 = secret.data?.[ref.key];
    if (b64 === undefined) throw new Error(`Secret ${ref.name} has no key ${ref.key}`);
    return [e.name, Buffer.from(b64, 'base64').toString('utf8')];
  }));
}

/**
 * Who made the data volume: this chart (POSTGRES_USER=postgres, the init script creates the wiki's
 * plain role), or the chart before cdcc5eb (POSTGRES_USER/POSTGRES_DB = auth.username/auth.database:
 * one superuser named after the wiki's role, no init script), whose volumes upgrades keep.
 */
export type VolumeLayout = 'this chart' | 'previous chart';

export type PostgresPod = {
  pg: TestPostgres;
  /** What `kubectl exec` into the container sees: the rendered env and the image's own ENV. */
  execEnv: Record<string, string>;
  /** How the API reaches the wiki's database (its role, over TCP, with its password). */
  apiUrl: string;
  destroy(): Promise<void>;
};

/** The image's ENV lines that matter to a client program (18/trixie/Dockerfile: PATH with the server's bin, LANG, PG_MAJOR, PGDATA). */
const imageEnv = () => ({ PATH: `${process.env.WIKI_PG_BIN ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: 'en_US.utf8', PG_MAJOR: '18', PGDATA: '/var/lib/postgresql/18/docker' });

/** The rendered StatefulSet's PostgreSQL container on a first start over an empty volume laid out by `layout`. */
export async function startPostgresPod(objs: K8sObject[], layout: VolumeLayout): Promise<PostgresPod> {
  const sts = find(objs, 'StatefulSet', 'wiki-postgresql');
  const env = containerEnv(objs, sts, 'postgresql');
  // The env of the chart that made the volume; the image's docker_setup_env defaults POSTGRES_DB to POSTGRES_USER.
  const first = layout === 'this chart'
    ? { POSTGRES_USER: env.POSTGRES_USER!, POSTGRES_PASSWORD: env.POSTGRES_PASSWORD!, POSTGRES_DB: env.POSTGRES_DB ?? env.POSTGRES_USER! }
    : { POSTGRES_USER: env.WIKI_DB_USER!, POSTGRES_PASSWORD: env.WIKI_DB_PASSWORD!, POSTGRES_DB: env.WIKI_DB_NAME! };
  const pg = await startPostgres({ superuser: first.POSTGRES_USER, password: first.POSTGRES_PASSWORD, hba: 'image' });
  const socket = { PGHOST: pg.socketDir, PGPORT: String(pg.port) };
  // docker_temp_server_start exports PGPASSWORD; docker_setup_db creates POSTGRES_DB unless it is `postgres`.
  const entrypointEnv = { ...imageEnv(), ...env, ...first, PGPASSWORD: first.POSTGRES_PASSWORD, ...socket };
  if (first.POSTGRES_DB !== 'postgres') {
    const r = spawnSync('psql', ['-v', 'ON_ERROR_STOP=1', '--username', first.POSTGRES_USER, '--no-password', '--no-psqlrc', '--dbname', 'postgres', '--set', `db=${first.POSTGRES_DB}`],
      { input: 'CREATE DATABASE :"db";\n', encoding: 'utf8', env: entrypointEnv });
    if (r.status !== 0) throw new Error(`CREATE DATABASE failed: ${r.stderr || r.error}`);
  }
  if (layout === 'this chart') runInitScripts(objs, entrypointEnv);
  return {
    pg,
    execEnv: { ...imageEnv(), ...env, ...socket },
    apiUrl: `postgres://${encodeURIComponent(env.WIKI_DB_USER!)}:${encodeURIComponent(env.WIKI_DB_PASSWORD!)}@127.0.0.1:${pg.port}/${encodeURIComponent(env.WIKI_DB_NAME!)}`,
    destroy: () => pg.destroy(),
  };
}

/** The ConfigMap mounted at /docker-entrypoint-initdb.d, its executable *.sh run in name order (docker_process_init_files). */
function runInitScripts(objs: K8sObject[], env: Record<string, string>) {
  const cm = find(objs, 'ConfigMap', 'wiki-postgresql-initdb');
  const dir = mkdtempSync(join(tmpdir(), 'wiki-initdb-'));
  try {
    for (const [name, text] of Object.entries(cm.data as Record<string, string>)) {
      writeFileSync(join(dir, name), text);
      chmodSync(join(dir, name), 0o555);
    }
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.sh')).sort()) {
      const r = spawnSync(join(dir, name), [], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`${name} failed: ${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
