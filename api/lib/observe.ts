import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Counter, Histogram } from 'prom-client';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

/**
 * One log line and one metrics sample per request, with the request id; while draining, tells
 * keep-alive clients to reconnect elsewhere.
 */
type Label = 'method' | 'route' | 'status';

export function observe(metrics: Metrics, log: Logger, lifecycle: Lifecycle): MiddlewareHandler {
  // prom-client hashes the label object on every call; the children per label set are cached once.
  const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<Label> }>();
  return async (c, next) => {
    const start = performance.now();
    await next();
    if (lifecycle.draining) c.header('Connection', 'close');
    const seconds = (performance.now() - start) / 1000;
    const method = c.req.method, route = routeLabel(c), status = String(c.res.status);
    const key = `${method} ${route} ${status}`;
    let s = series.get(key);
    if (!s) series.set(key, s = { count: metrics.httpRequests.labels(method, route, status), time: metrics.httpDuration.labels(method, route, status) });
    s.count.inc();
    s.time.observe(seconds);
    log.info({ reqId: c.get('requestId'), method, route, status, duration_ms: Math.round(seconds * 1e5) / 100 }, 'request');
  };
}
