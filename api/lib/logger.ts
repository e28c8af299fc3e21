import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** pino JSON lines to pino's async stdout destination, batched (4 KiB or 100 ms), flushed by pino on exit; nothing secret is logged, so no redaction. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'wiki-api' } },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }),
  );
}
