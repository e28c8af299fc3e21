import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
type Flushable = DestinationStream & { flushSync?: () => void };

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
    destination ?? lineBatch(pino.destination({ dest: 1, sync: false })),
  );
}

/**
 * Collects lines and hands them to pino's asynchronous stdout writer in chunks of at least
 * `minChars`, or `maxDelayMs` after the first line of a chunk, so a busy API pays one write per
 * chunk rather than per request. SonicBoom's own `minLength` batching re-measures its whole
 * pending string on every write (a copy each time), a measured share of the access log's cost in
 * `npm run bench`. The timer is not unref'd: a process that ends on its own writes its last lines
 * first; `flushSync()` (flushLogsSync) covers explicit exits.
 */
export function lineBatch(out: Flushable, { minChars = 16_384, maxDelayMs = 100 } = {}): Flushable & { flushSync: () => void } {
  let parts: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    clearTimeout(timer);
    timer = undefined;
    if (parts.length === 0) return;
    const chunk = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    chars = 0;
    out.write(chunk);
  };
  return {
    write(line: string) {
      parts.push(line);
      chars += line.length;
      if (chars >= minChars) drain();
      else timer ??= setTimeout(drain, maxDelayMs);
    },
    flushSync() {
      drain();
      out.flushSync?.();
    },
  };
}

/** The destination pino writes to (the batching one, or the stream a test passed in). */
export const destinationOf = (log: Logger) =>
  (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as Flushable;

/** Writes out what the batching destination still holds; call right before process exit. */
export function flushLogsSync(log: Logger): void {
  try { destinationOf(log).flushSync?.(); } catch { /* not yet open: nothing was written */ }
}
