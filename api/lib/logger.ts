import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** JSON lines. Secrets never reach it: request headers are not logged, and these keys are censored anyway. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wiki-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', '*.password', 'databaseUrl', '*.databaseUrl', 'headers.authorization'], censor: '[redacted]' },
    },
    // Asynchronous writes without a size threshold: lines leave at once, never block the event loop.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
