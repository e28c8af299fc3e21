import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { ConfigError, parseConfig } from './config.ts';
import { createSql } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { Lifecycle } from './lib/lifecycle.ts';
import { createLogger } from './lib/logger.ts';
import { createMetrics } from './lib/metrics.ts';
import { retry } from './lib/retry.ts';
import { gracefulShutdown } from './lib/shutdown.ts';

/** Starts the API: listen first (liveness), migrate under the advisory lock (then readiness), drain on SIGTERM. */
export async function main(env: NodeJS.ProcessEnv = process.env) {
  const config = parseConfig(env);
  const log = createLogger(config.logLevel);
  const sql = createSql(config.database, (n) => log.debug({ notice: n.message }, 'postgres notice'));
  const lifecycle = new Lifecycle();
  const app = createApp({ sql, metrics: createMetrics(), log, lifecycle });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
    log.info({ address: info.address, port: info.port }, 'listening')) as Server;
  // Outlive the ingress proxy's idle keep-alive (Traefik: 90 s) so it never reuses a closed socket.
  server.keepAliveTimeout = 95_000;
  server.headersTimeout = 100_000;

  const stopping = new AbortController();
  const shutdown = gracefulShutdown({ server, sql, lifecycle, log, timeoutMs: config.shutdownTimeoutMs, exit: (code) => process.exit(code) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => { stopping.abort(); void shutdown(signal); });

  const applied = await retry(() => migrate(sql), {
    signal: stopping.signal,
    onError: (err, attempt, delayMs) => log.warn({ attempt, delayMs, code: (err as { code?: string }).code, msg: (err as Error).message }, 'database not ready for migrations, retrying'),
  });
  log.info({ applied }, 'migrations done');
  if (!lifecycle.draining) lifecycle.phase = 'ready';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`wiki-api: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  });
}
