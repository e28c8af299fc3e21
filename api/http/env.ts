import type { HttpBindings } from '@hono/node-server';

/** The app's Hono Env: per-request state in c.var; c.env is @hono/node-server's bindings (absent under app.request()). */
export type AppEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string };
};
