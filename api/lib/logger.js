import { pino } from 'pino';
/**
 * pino JSON lines to stdout through pino's own destination, batched (4 KiB or 100 ms) and written
 * synchronously, as pino's default destination is: the async mode's hand-off to libuv's thread
 * pool cost a tenth of the throughput on two cores (docs/performance.md). Nothing secret is
 * logged, so no redaction.
 */
export function createLogger(level, destination) {
    return pino({ level, base: { service: 'wiki-api' } }, destination ?? batchedDestination());
}
/** The destination createLogger writes to: stdout, or another fd or file (the request-path bench uses /dev/null). */
export function batchedDestination(dest = 1) {
    const out = pino.destination({ dest, sync: true, minLength: 4096, periodicFlush: 100 });
    // pino flushes only an async destination at exit; this one may hold up to 4 KiB of lines.
    process.once('exit', () => out.flushSync());
    return out;
}
