/** Human log lines for `docker logs`: `[+12.3s] phase: message`. */
export type Log = {
  line(phase: string, msg: string): void;
  raw(text: string): void;
  elapsed(): number;
};

export function createLog(write: (s: string) => void, now: () => number = () => performance.now()): Log {
  const t0 = now();
  const elapsed = () => (now() - t0) / 1000;
  return {
    line: (phase, msg) => write(`[+${elapsed().toFixed(1)}s] ${phase}: ${msg}\n`),
    raw: (text) => write(text.endsWith('\n') ? text : `${text}\n`),
    elapsed,
  };
}
