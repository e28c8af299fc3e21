import type { MiddlewareHandler } from 'hono';
import { requestId as honoRequestId } from 'hono/request-id';
import { randomBytes } from 'node:crypto';
import type { Lifecycle } from '../lib/lifecycle.ts';
import type { AppEnv } from './env.ts';

/** A client's id is echoed only when it matches this, which also keeps it safe in a log line. */
export const REQUEST_ID = /^[\w\-.:=]{1,200}$/;
const HEADER = 'X-Request-Id';

/**
 * hono's requestId: X-Request-Id in c.var and on the response, the client's if well-formed (hono
 * echoes `[\w-=]`; the generator also `.` and `:`), else prefix-counter as chi's RequestID. In the
 * same layer, not a middleware of its own (docs/performance.md): Connection: close while draining.
 */
export function requestId(lifecycle: Lifecycle): MiddlewareHandler<AppEnv> {
  const prefix = randomBytes(6).toString('hex');
  let seq = 0;
  const withId = honoRequestId({
    headerName: HEADER,
    limitLength: 200,
    generator: (c) => {
      const given = c.req.header(HEADER);
      return given && REQUEST_ID.test(given) ? given : `${prefix}-${(++seq).toString(36)}`;
    },
  });
  return async (c, next) => {
    await withId(c, next);
    if (lifecycle.draining) c.header('Connection', 'close');
  };
}
