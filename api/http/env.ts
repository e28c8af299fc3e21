import type { HttpBindings } from '@hono/node-server';

/**
 * The app's Hono Env: per-request state lives in `c.var` (set by the request-id step); on the Node
 * server `c.env` is @hono/node-server's bindings, absent under `app.request()` in tests.
 */
export type AppEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string };
};
