import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * JSON lines with epoch-millisecond `time` (pino's default, the cheapest). Secrets never reach it:
 * nothing logs headers, bodies or the database URL, so no per-line redaction pass is paid.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wiki-api' },
    },
    // Lines are batched (up to 8 KiB or 250 ms) so a busy API pays one write per batch, not per
    // request; flushLogsSync() empties the batch before the process exits.
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 250 }),
  );
}

/** The destination pino writes to (the batching one, or the stream a test passed in). */
export const destinationOf = (log: Logger) =>
  (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as DestinationStream & { flushSync?: () => void };

/** Writes out what the batching destination still holds; call right before process exit. */
export function flushLogsSync(log: Logger): void {
  try { destinationOf(log).flushSync?.(); } catch { /* not yet open: nothing was written */ }
}
