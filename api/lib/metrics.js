import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
/** A counter read at scrape time from a plain `++` in the handlers: `inc()` there slowed every request (docs/performance.md). */
function counterOf(registry, name, help, read) {
    return new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
}
const LABELS = ['method', 'route', 'status'];
/** A registry per app (never prom-client's global one), so two apps in one process never collide. */
export function createMetrics({ defaults = true } = {}) {
    const registry = new Registry();
    if (defaults)
        collectDefaultMetrics({ register: registry });
    const created = { users: 0, posts: 0 };
    counterOf(registry, 'users_created_total', 'Total number of users created', () => created.users);
    counterOf(registry, 'posts_created_total', 'Total number of posts created', () => created.posts);
    const series = [];
    new Counter({
        name: 'http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: LABELS, registers: [registry],
        collect() { this.reset(); for (const { labels, s } of series)
            this.inc(labels, s.requests); },
    });
    const duration = new Histogram({
        name: 'http_request_duration_seconds', help: 'HTTP request duration in seconds by method, route pattern and status',
        labelNames: LABELS, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    });
    return {
        registry,
        created,
        /** A new label set's series, for the caller to keep: counting is then a `++` and one histogram sample. */
        httpSeries(method, route, status) {
            const s = { requests: 0, duration: duration.labels(method, route, status) };
            series.push({ labels: { method, route, status }, s });
            return s;
        },
    };
}
