import { HTTPException } from 'hono/http-exception';
import { isUnavailable } from "../db/client.js";
const LOC = { json: 'body', param: 'path', query: 'query', header: 'header' };
function typeOf(issue) {
    const custom = issue.params?.type;
    if (custom)
        return custom;
    switch (issue.code) {
        case 'invalid_type':
            return issue.message.endsWith('received undefined') ? 'missing' : `${issue.expected}_type`;
        case 'too_small': return issue.origin === 'string' ? 'string_too_short' : 'greater_than_equal';
        case 'too_big': return issue.origin === 'string' ? 'string_too_long' : 'less_than_equal';
        case 'invalid_format': return 'string_pattern_mismatch';
        case 'not_multiple_of': return 'multiple_of';
        default: return 'value_error';
    }
}
export function validationItems(target, error) {
    return error.issues.map((issue) => ({
        loc: [LOC[target] ?? target, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        msg: issue.message,
        type: typeOf(issue),
    }));
}
export const validationError = (c, items) => c.json({ detail: items }, 422);
export const RETRY_AFTER_S = '5';
/** onError: HTTPException → its status with `{detail}`; a lost database → 503; anything else → bare 500. */
export function errorHandler(log) {
    return (err, c) => {
        if (err instanceof HTTPException) {
            if (err.res)
                return err.res;
            return c.json({ detail: err.message }, err.status);
        }
        const reqId = c.get('requestId');
        if (isUnavailable(err)) {
            log.warn({ reqId, code: err.code }, 'database unavailable');
            c.header('Retry-After', RETRY_AFTER_S);
            return c.json({ detail: 'Database unavailable, retry shortly' }, 503);
        }
        // Log the error, but never put SQL, stacks or connection details in the body.
        log.error({ reqId, err }, 'unhandled error');
        return c.json({ detail: 'Internal Server Error' }, 500);
    };
}
