import postgres from 'postgres';
import type { Config } from '../config.ts';

export type Sql = postgres.Sql;

/** The one pool of the process. Timestamps come back as Date and serialise as ISO-8601 UTC. */
export function createSql(db: Config['database'], onnotice: (n: postgres.Notice) => void = () => {}): Sql {
  const options: postgres.Options<{}> = {
    max: db.poolMax,
    connect_timeout: db.connectTimeoutS,
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice,
    connection: { application_name: 'wiki-api' },
  };
  if (db.url) return postgres(db.url, options);
  return postgres({ ...options, host: db.host, port: db.port, database: db.name, username: db.user, password: db.password });
}

/** A query as db/ functions return it, for the handler to await directly: a `.then()` between cost ~30 % CPU (docs/performance.md). */
export type Query<T extends readonly (object | undefined)[]> = postgres.PendingQuery<T>;

/** Connection-level failures: the database is away, not the request wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
]);

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

export function isForeignKeyViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23503';
}
