import { serve } from '@hono/node-server';
import { createApp } from "./app.js";
import { ConfigError, parseConfig } from "./config.js";
import { createSql } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { Lifecycle } from "./lib/lifecycle.js";
import { createLogger } from "./lib/logger.js";
import { createMetrics } from "./lib/metrics.js";
import { retry } from "./lib/retry.js";
import { gracefulShutdown } from "./lib/shutdown.js";
/** Starts the API: listen first (liveness), migrate under the advisory lock (then readiness), drain on SIGTERM. */
export async function main(env = process.env) {
    const config = parseConfig(env);
    const log = createLogger(config.logLevel);
    const sql = createSql(config.database, (n) => log.debug({ notice: n.message }, 'postgres notice'));
    const lifecycle = new Lifecycle();
    const app = createApp({ sql, metrics: createMetrics(), log, lifecycle });
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => log.info({ address: info.address, port: info.port }, 'listening'));
    // Outlive the ingress proxy's idle keep-alive (Traefik: 90 s) so it never reuses a closed socket.
    server.keepAliveTimeout = 95_000;
    server.headersTimeout = 100_000;
    const stopping = new AbortController();
    const shutdown = gracefulShutdown({ server, sql, lifecycle, log, timeoutMs: config.shutdownTimeoutMs, exit: (code) => process.exit(code) });
    for (const signal of ['SIGTERM', 'SIGINT'])
        process.on(signal, () => { stopping.abort(); void shutdown(signal); });
    const applied = await retry(() => migrate(sql), {
        signal: stopping.signal,
        onError: (err, attempt, delayMs) => log.warn({ attempt, delayMs, code: err.code, msg: err.message }, 'database not ready for migrations, retrying'),
    });
    log.info({ applied }, 'migrations done');
    if (!lifecycle.draining)
        lifecycle.phase = 'ready';
}
if (import.meta.url === `file://${process.argv[1]}`) {
    main().catch((err) => {
        process.stderr.write(`wiki-api: ${err instanceof ConfigError ? err.message : err.stack}\n`);
        process.exitCode = err instanceof ConfigError ? 2 : 1;
    });
}
