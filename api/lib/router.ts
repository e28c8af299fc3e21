import { OpenAPIHono } from '@hono/zod-openapi';
import { validationHook } from './errors.ts';

/** Every router shares the FastAPI-shaped 422 hook and accepts a trailing slash. */
export const createRouter = () => new OpenAPIHono({ strict: false, defaultHook: validationHook });
