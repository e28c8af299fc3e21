import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';

/** Every router accepts a trailing slash; contract routes are added with mountRoute (route.ts). */
export const createRouter = () => new OpenAPIHono<AppEnv>({ strict: false });
