/** Polls `check` until it returns a value, the deadline passes, or `signal` aborts. Never a bare sleep. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, opts: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; what: string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${opts.what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await sleep(opts.intervalMs ?? 1000, opts.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
