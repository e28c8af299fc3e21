import { createMiddleware } from 'hono/factory';
import { randomBytes } from 'node:crypto';
/** A client's id is echoed only when it matches this, which also keeps it safe in a log line. */
export const REQUEST_ID = /^[\w\-.:=]{1,200}$/;
/** X-Request-Id (the client's if well-formed, else prefix-counter as chi's RequestID) in c.var and on the response; Connection: close while draining. */
export function requestId(lifecycle) {
    const prefix = randomBytes(6).toString('hex');
    let seq = 0;
    return createMiddleware(async (c, next) => {
        const given = c.req.header('x-request-id');
        const id = given && REQUEST_ID.test(given) ? given : `${prefix}-${(++seq).toString(36)}`;
        c.set('requestId', id);
        await next();
        // On the Node server onto the ServerResponse the adapter writes next (no Headers object per request).
        const outgoing = c.env?.outgoing;
        const set = (name, value) => (outgoing && !outgoing.headersSent ? outgoing.setHeader(name, value) : c.header(name, value));
        set('X-Request-Id', id);
        if (lifecycle.draining)
            set('Connection', 'close');
    });
}
