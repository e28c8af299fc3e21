import { createMiddleware } from 'hono/factory';
import { requestId as honoRequestId } from 'hono/request-id';
import { randomBytes } from 'node:crypto';
import type { Lifecycle } from '../lib/lifecycle.ts';
import type { AppEnv } from './env.ts';

/** A client's id is echoed only when it matches this, which also keeps it safe in a log line. */
export const REQUEST_ID = /^[\w\-.:=]{1,200}$/;
const HEADER = 'X-Request-Id';

/**
 * hono's requestId: X-Request-Id in c.var and on the response, the client's if well-formed, else
 * prefix-counter as chi's RequestID. hono echoes only `[\w-=]`; the generator also echoes `.` and `:`.
 */
export function requestId() {
  const prefix = randomBytes(6).toString('hex');
  let seq = 0;
  return honoRequestId({
    headerName: HEADER,
    limitLength: 200,
    generator: (c) => {
      const given = c.req.header(HEADER);
      return given && REQUEST_ID.test(given) ? given : `${prefix}-${(++seq).toString(36)}`;
    },
  });
}

/** Connection: close on every response while the process drains, so keep-alive clients move on. */
export function closeWhileDraining(lifecycle: Lifecycle) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (lifecycle.draining) c.header('Connection', 'close');
  });
}
