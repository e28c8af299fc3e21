import { Hono } from 'hono';
const PING_TIMEOUT_MS = 2000;
/** Round-trip to the database, bounded so a hung connection cannot hang the probe. */
async function ping(sql) {
    const start = performance.now();
    let timer;
    try {
        await Promise.race([
            sql `SELECT 1`,
            new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('database ping timed out')), PING_TIMEOUT_MS); }),
        ]);
        return { ok: true, ms: performance.now() - start };
    }
    catch (err) {
        const code = err.code;
        return { ok: false, ms: performance.now() - start, reason: code ? `database unavailable (${code})` : 'database unavailable' };
    }
    finally {
        clearTimeout(timer);
    }
}
export function healthRouter({ sql, lifecycle }) {
    const app = new Hono({ strict: false });
    app.get('/healthz/live', (c) => c.json({ status: 'ok' }));
    app.get('/healthz/ready', async (c) => {
        if (lifecycle.phase !== 'ready') {
            return c.json({ status: 'unavailable', reason: lifecycle.phase === 'draining' ? 'shutting down' : 'starting: migrations not done' }, 503);
        }
        const db = await ping(sql);
        return db.ok ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable', reason: db.reason }, 503);
    });
    app.get('/health', async (c) => {
        const db = await ping(sql);
        const healthy = db.ok && lifecycle.phase === 'ready';
        return c.json({
            status: healthy ? 'healthy' : 'unhealthy',
            checks: { database: { status: db.ok ? 'healthy' : 'unhealthy', latency_ms: Math.round(db.ms * 100) / 100 } },
            timestamp: new Date().toISOString(),
        }, healthy ? 200 : 503);
    });
    return app;
}
