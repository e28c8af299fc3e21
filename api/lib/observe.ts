import type { Context, MiddlewareHandler } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { matchedRoutes } from 'hono/route';
import type { Counter, Histogram } from 'prom-client';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

type Label = 'method' | 'route' | 'status';
const REQUEST_ID = /^[\w\-.:=]{1,200}$/;

/**
 * Sets a response header without making Hono build a `Headers` object: on @hono/node-server it goes
 * straight onto Node's ServerResponse (merged into writeHead), which keeps the adapter's fast path
 * for plain-object headers; elsewhere (app.request() in tests) through Hono.
 */
function setHeader(c: Context, name: string, value: string) {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value);
  else c.header(name, value);
}

/**
 * Request id (echoed from X-Request-Id when sane, else generated), one log line and one metrics
 * sample per request (recorded right after the response is handed over); while draining, tells
 * keep-alive clients to reconnect elsewhere.
 */
export function observe(metrics: Metrics, log: Logger, lifecycle: Lifecycle): MiddlewareHandler {
  // prom-client hashes the label object on every call; the children per label set are cached once.
  const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<Label> }>();
  return async (c, next) => {
    const start = performance.now();
    const incoming = c.req.header('x-request-id');
    const reqId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', reqId);
    setHeader(c, 'X-Request-Id', reqId);
    await next();
    // Decided when the response leaves, not when the request came in: a request that was in
    // flight when SIGTERM arrived must not leave its keep-alive connection open behind it.
    if (lifecycle.draining) setHeader(c, 'Connection', 'close');
    const seconds = (performance.now() - start) / 1000;
    const method = c.req.method, route = routeLabel(c), status = String(c.res.status);
    // Bookkeeping after the response is on its way: the client does not wait for our log line.
    setImmediate(() => {
      const key = `${method} ${route} ${status}`;
      let s = series.get(key);
      if (!s) series.set(key, s = { count: metrics.httpRequests.labels(method, route, status), time: metrics.httpDuration.labels(method, route, status) });
      s.count.inc();
      s.time.observe(seconds);
      log.info({ reqId, method, route, status, duration_ms: Math.round(seconds * 1e5) / 100 }, 'request');
    });
  };
}
