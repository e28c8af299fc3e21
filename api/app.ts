import type { Deps } from './deps.ts';
import { createAccessLog } from './lib/access-log.ts';
import { errorHandler } from './lib/errors.ts';
import { allowedMethods } from './lib/method-not-allowed.ts';
import { observe } from './lib/observe.ts';
import { createRouter } from './lib/router.ts';
import { healthRouter } from './routes/health.ts';
import { registerMeta } from './routes/meta.ts';
import { postsRouter } from './routes/posts.ts';
import { usersRouter } from './routes/users.ts';

/** The whole HTTP surface, with no I/O of its own: tests call `app.request()` on it. */
export function createApp(deps: Deps) {
  const app = createRouter();

  app.route('/', healthRouter(deps));
  app.route('/', usersRouter(deps));
  app.route('/', postsRouter(deps));
  registerMeta(app, deps);

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length) {
      c.header('Allow', allow.join(', '));
      return c.json({ detail: 'Method Not Allowed' }, 405);
    }
    return c.json({ detail: 'Not Found' }, 404);
  });
  app.onError(errorHandler(deps.log));
  observe(app, createAccessLog(deps.metrics, deps.log), deps.lifecycle);
  return app;
}
