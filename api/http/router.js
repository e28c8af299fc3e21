import { OpenAPIHono } from '@hono/zod-openapi';
/** Every router accepts a trailing slash; contract routes are added with mountRoute (route.ts). */
export const createRouter = () => new OpenAPIHono({ strict: false });
