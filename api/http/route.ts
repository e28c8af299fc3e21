import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context, Handler } from 'hono';
import type { ZodType } from 'zod';
import { validationError, validationItems } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import type { AppEnv } from './env.ts';

type Target = 'query' | 'param' | 'json';

/** The query string as Hono's validator shapes it: one value as a string, repeats as an array. */
function queryObject(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(c.req.queries())) out[k] = v.length === 1 ? v[0]! : v;
  return out;
}

/**
 * Mounts one contract route: registered in the OpenAPI document from its zod schemas, served behind
 * one gate that checks those schemas (query, path, JSON body) and stores them for `c.req.valid()`.
 * One synchronous gate instead of `app.openapi()`'s middleware chain (docs/performance.md).
 */
export function mountRoute<R extends RouteConfig>(app: OpenAPIHono<AppEnv>, route: R, handler: RouteHandler<R>): void {
  app.openAPIRegistry.registerPath(route);
  const checks: [Target, ZodType, (c: Context) => unknown][] = [];
  if (route.request?.query) checks.push(['query', route.request.query as ZodType, queryObject]);
  if (route.request?.params) checks.push(['param', route.request.params as ZodType, (c) => c.req.param()]);
  const media = route.request?.body?.content?.['application/json'];
  const body = media && 'schema' in media ? media.schema as ZodType : undefined;
  // The one cast: the handler is typed by its route's inputs, which this gate has just validated.
  const run = handler as unknown as (c: Context, next: () => Promise<void>) => Response | Promise<Response>;

  const path = route.path.replaceAll(/\/{(.+?)}/g, '/:$1');
  // Not async: a route without a body adds no promise around the handler's (docs/performance.md).
  const gate: Handler = (c, next) => {
    for (const [target, schema, input] of checks) {
      const result = schema.safeParse(input(c));
      if (!result.success) return validationError(c, validationItems(target, result.error));
      c.req.addValidatedData(target, result.data as object);
    }
    if (!body) return run(c, next);
    return readJsonBody(c).then((read) => {
      if ('response' in read) return read.response;
      const result = body.safeParse(read.value);
      if (!result.success) return validationError(c, validationItems('json', result.error));
      c.req.addValidatedData('json', result.data as object);
      return run(c, next);
    });
  };
  app.on(route.method, path, gate);
}
