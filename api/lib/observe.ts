import type { Context, MiddlewareHandler } from 'hono';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { matchedRoutes } from 'hono/route';
import type { Access } from './access-log.ts';
import type { Lifecycle } from './lifecycle.ts';

/** The matched route pattern (`/users/:id`), never the raw path, so label sets stay bounded. */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return 'unmatched';
}

/** Also what keeps a client's id safe to write into a JSON log line unescaped. */
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
 * Request id (echoed from X-Request-Id when sane, else generated) and one access record per
 * request, handed over once the response is on its way; while draining, tells keep-alive clients
 * to reconnect elsewhere.
 */
export function observe(record: (access: Access) => void, lifecycle: Lifecycle): MiddlewareHandler {
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
    record({ reqId, method: c.req.method, route: routeLabel(c), status: c.res.status, seconds: (performance.now() - start) / 1000 });
  };
}
