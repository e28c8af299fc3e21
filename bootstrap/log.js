export function createLog(write, now = () => performance.now()) {
    const t0 = now();
    const elapsed = () => (now() - t0) / 1000;
    return {
        line: (phase, msg) => write(`[+${elapsed().toFixed(1)}s] ${phase}: ${msg}\n`),
        raw: (text) => write(text.endsWith('\n') ? text : `${text}\n`),
        elapsed,
    };
}
