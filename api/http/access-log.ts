import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { AppEnv } from './env.ts';

/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

/** Once the response is made: one metrics sample and one pino access line per request. */
export function accessLog(metrics: Metrics, log: Logger) {
  // prom-client hashes a label object on every call: each label set's children are looked up once.
  const series = new Map<string, { count: ReturnType<Metrics['httpRequests']['labels']>; time: ReturnType<Metrics['httpDuration']['labels']> }>();
  return createMiddleware<AppEnv>(async (c, next) => {
    const start = performance.now();
    await next();
    const seconds = (performance.now() - start) / 1000;
    const method = c.req.method, route = routeLabel(c), status = String(c.res.status);
    const key = `${method} ${route} ${status}`;
    let s = series.get(key);
    if (!s) series.set(key, s = { count: metrics.httpRequests.labels(method, route, status), time: metrics.httpDuration.labels(method, route, status) });
    s.count.inc();
    s.time.observe(seconds);
    log.info({ reqId: c.get('requestId'), method, route, status, duration_ms: Math.round(seconds * 1e5) / 100 }, 'request');
  });
}
