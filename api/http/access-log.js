import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
export function routeLabel(c) {
    const routes = matchedRoutes(c);
    for (let i = routes.length - 1; i >= 0; i--)
        if (routes[i].method !== 'ALL')
            return routes[i].path;
    return 'unmatched';
}
/**
 * Once the response is made: one metrics sample and one pino access line per request. Each label
 * set (method, route, status) keeps its metric series and a pino child that carries those three
 * fields, so a request does one Map lookup and pino serialises only its id and duration.
 */
export function accessLog(metrics, log) {
    const bySet = new Map();
    return createMiddleware(async (c, next) => {
        const start = performance.now();
        await next();
        const seconds = (performance.now() - start) / 1000;
        const method = c.req.method, route = routeLabel(c), status = String(c.res.status);
        const key = `${method} ${route} ${status}`;
        let set = bySet.get(key);
        if (!set)
            bySet.set(key, set = { metrics: metrics.httpSeries(method, route, status), log: log.child({ method, route, status }) });
        set.metrics.requests++;
        set.metrics.duration.observe(seconds);
        set.log.info({ reqId: c.get('requestId'), duration_ms: Math.round(seconds * 1e5) / 100 }, 'request');
    });
}
