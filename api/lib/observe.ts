import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

/** One log line and one metrics sample per request, with the request id. */
export function observe(metrics: Metrics, log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const seconds = (performance.now() - start) / 1000;
    const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    log.info({ reqId: c.get('requestId'), ...labels, duration_ms: Math.round(seconds * 1e5) / 100 }, 'request');
  };
}
