/** Polls `check` until it returns a value, the deadline passes, or `signal` aborts. Never a bare sleep. */
export async function waitFor(check, opts) {
    const deadline = Date.now() + opts.timeoutMs;
    let last;
    for (;;) {
        opts.signal?.throwIfAborted();
        try {
            const v = await check();
            if (v !== undefined && v !== false)
                return v;
        }
        catch (err) {
            last = err;
        }
        if (Date.now() >= deadline) {
            throw new Error(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${opts.what}${last ? ` (last error: ${last.message})` : ''}`);
        }
        await sleep(opts.intervalMs ?? 1000, opts.signal);
    }
}
export function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
        const onAbort = () => { clearTimeout(t); reject(signal.reason); };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
