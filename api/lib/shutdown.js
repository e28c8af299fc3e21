/**
 * First signal: readiness turns 503, the listener closes, in-flight requests finish (or are cut
 * after `timeoutMs`), the pool drains, exit 0 (pino writes out its buffer on exit). A second signal exits at once.
 */
export function gracefulShutdown({ server, sql, lifecycle, log, timeoutMs, exit }) {
    let started = false;
    return async (signal) => {
        if (started) {
            log.warn({ signal }, 'second signal: exiting now');
            return exit(1);
        }
        started = true;
        lifecycle.phase = 'draining';
        log.info({ signal, timeoutMs }, 'shutting down: draining in-flight requests');
        const force = setTimeout(() => {
            log.warn('drain timeout: closing remaining connections');
            server.closeAllConnections();
        }, timeoutMs);
        await new Promise((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
        });
        clearTimeout(force);
        await sql.end({ timeout: 5 });
        log.info('shutdown complete');
        exit(0);
    };
}
