/** Retries `fn` with capped exponential backoff until it succeeds or `signal` aborts. */
export async function retry(fn, opts) {
    for (let attempt = 1;; attempt++) {
        try {
            return await fn();
        }
        catch (err) {
            if (opts.signal.aborted)
                throw err;
            const delayMs = Math.min(250 * 2 ** (attempt - 1), opts.maxDelayMs ?? 5000);
            opts.onError(err, attempt, delayMs);
            await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
    }
}
