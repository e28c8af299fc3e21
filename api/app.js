import { accessLog } from "./http/access-log.js";
import { errorHandler } from "./http/errors.js";
import { notFound } from "./http/not-found.js";
import { requestId } from "./http/request-id.js";
import { createRouter } from "./http/router.js";
import { healthRouter } from "./routes/health.js";
import { registerMeta } from "./routes/meta.js";
import { postsRouter } from "./routes/posts.js";
import { usersRouter } from "./routes/users.js";
/**
 * The whole HTTP surface, with no I/O of its own: tests call `app.request()` on it. A request
 * passes, in order: request id → access log (timing; route label, metrics and line once answered)
 * → the route's validation gate (mountRoute) → its handler → notFound / onError when needed.
 */
export function createApp(deps) {
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
