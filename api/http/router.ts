import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';
import { validationError, validationItems } from './errors.ts';

/** Every failed check of a contract route's input becomes the FastAPI-shaped 422. */
const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (!result.success) return validationError(c, validationItems(result.target, result.error));
};

/** Every router accepts a trailing slash; contract routes are added with `app.openapi()`. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ strict: false, defaultHook });
