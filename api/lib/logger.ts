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

/** Writes out what the batching destination still holds; call right before process exit. */
export function flushLogsSync(log: Logger): void {
  const stream = (log as unknown as Record<symbol, { flushSync?: () => void }>)[pino.symbols.streamSym];
  try { stream?.flushSync?.(); } catch { /* not yet open: nothing was written */ }
}
