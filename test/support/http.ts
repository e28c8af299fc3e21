import { waitFor } from '../../bootstrap/run/wait.ts';

/**
 * Resolves once `url` answers 200, through the bootstrap's deadline-bound `waitFor`. `gone` names a
 * reason to stop early (a process that exited); `context` is added to a failure (logs, output).
 */
export async function untilOk(url: string, opts: { timeoutMs?: number; intervalMs?: number; what?: string; gone?: () => string | undefined; context?: () => string } = {}): Promise<void> {
  const stop = new AbortController();
  await waitFor(async () => {
    const why = opts.gone?.();
    if (why) stop.abort(new Error(why));
    return (await fetch(url).catch(() => undefined))?.status === 200;
  }, { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: opts.intervalMs ?? 100, signal: stop.signal, what: opts.what ?? `${url} to answer 200` })
    .catch((err: Error) => { throw new Error(opts.context ? `${err.message}: ${opts.context()}` : err.message); });
}
