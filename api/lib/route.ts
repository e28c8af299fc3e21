import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context, Handler } from 'hono';
import type { ZodType } from 'zod';
import { validationError, validationItems } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { setRouteLabel } from './observe.ts';

type Target = 'query' | 'param' | 'json';

/** The query string as Hono's validator shapes it: one value as a string, repeats as an array. */
function queryObject(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(c.req.queries())) out[k] = v.length === 1 ? v[0]! : v;
  return out;
}

/**
 * Mounts one route of the contract: documented in the OpenAPI registry from its zod schemas and
 * served behind one gate that checks those same schemas (query, path, then the JSON body, as
 * @hono/zod-openapi orders them) before the handler runs, storing the parsed values where
 * `c.req.valid()` finds them. It stands in for `app.openapi()`, whose chain of async middlewares
 * (a media-type gate, one validator and hook call per input) was a measured share of the API's
 * overhead in `npm run bench`; the schemas, the 422 shape and the handlers' types are unchanged.
 */
export function mountRoute<R extends RouteConfig>(app: OpenAPIHono, route: R, handler: RouteHandler<R>): void {
  app.openAPIRegistry.registerPath(route);
  const checks: [Target, ZodType, (c: Context) => unknown][] = [];
  if (route.request?.query) checks.push(['query', route.request.query as ZodType, queryObject]);
  if (route.request?.params) checks.push(['param', route.request.params as ZodType, (c) => c.req.param()]);
  const media = route.request?.body?.content?.['application/json'];
  const body = media && 'schema' in media ? media.schema as ZodType : undefined;
  const run = handler as unknown as (c: Context, next: () => Promise<void>) => Response | Promise<Response>;

  const path = route.path.replaceAll(/\/{(.+?)}/g, '/:$1');
  // Not an async function: a route without a body runs its handler in the same call, adding no
  // promise of its own around the handler's (see Query in db/client.ts for why that counts).
  const gate: Handler = (c, next) => {
    setRouteLabel(c, path);
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
