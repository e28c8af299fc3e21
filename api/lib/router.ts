import { OpenAPIHono } from '@hono/zod-openapi';
import type { BlankEnv } from 'hono/types';

/**
 * Every router accepts a trailing slash. Contract routes are added with mountRoute (lib/route.ts),
 * which validates with their zod schemas and answers the FastAPI-shaped 422 itself.
 */
export const createRouter = () => new OpenAPIHono<BlankEnv>({ strict: false });
