import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * pino JSON lines (epoch-ms `time`, the cheapest) to pino's asynchronous stdout destination, which
 * batches writes (≥ 4 KiB, or every 100 ms) and flushes synchronously on process exit. Nothing logs
 * headers, bodies or the database URL, so no redaction pass is paid.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'wiki-api' } },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
  );
}
