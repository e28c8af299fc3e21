import type { Deps } from './deps.ts';
import { accessLog } from './http/access-log.ts';
import { errorHandler } from './http/errors.ts';
import { notFound } from './http/not-found.ts';
import { requestId } from './http/request-id.ts';
import { createRouter } from './http/router.ts';
import { healthRouter } from './routes/health.ts';
import { registerMeta } from './routes/meta.ts';
import { postsRouter } from './routes/posts.ts';
import { usersRouter } from './routes/users.ts';

/**
 * The whole HTTP surface, with no I/O of its own: tests call `app.request()` on it. A request
 * passes, in order: request id (and Connection: close while draining) → access log (timing;
 * route label, metrics and line once answered) → the route's validation gate (mountRoute) → its
 * handler → notFound / onError when needed.
 */
export function createApp(deps: Deps) {
  const app = createRouter();
  app.use(requestId(deps.lifecycle));
  app.use(accessLog(deps.metrics, deps.log));

  app.route('/', healthRouter(deps));
  app.route('/', usersRouter(deps));
  app.route('/', postsRouter(deps));
  registerMeta(app, deps);

  app.notFound(notFound(app));
  app.onError(errorHandler(deps.log));
  return app;
}
