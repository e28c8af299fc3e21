import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/**
 * A request header as `Headers.get()` gives it (repeats joined with ", "), read on the Node
 * server from the raw header list: asking `c.req.header()` there builds a whole Headers object
 * from every header of the request, a measured cost per request in `npm run bench`. Elsewhere
 * (`app.request()` in tests) it asks the Request. `name` must be lower case.
 */
export function rawHeader(req: Request, env: unknown, name: string): string | null {
  const raw = (env as { incoming?: IncomingMessage } | undefined)?.incoming?.rawHeaders;
  if (!raw) return req.headers.get(name);
  let value: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toLowerCase() === name) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** The same for a Hono context. */
export const headerOf = (c: Context, name: string): string | null => rawHeader(c.req.raw, c.env, name);
