const pattern = (path) => new RegExp(`^${path.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);
/** Methods that some route accepts for this path: a non-empty answer turns a 404 into a 405. */
export function allowedMethods(routes, path) {
    const methods = new Set();
    for (const r of routes) {
        if (r.method === 'ALL' || !pattern(r.path).test(path))
            continue;
        methods.add(r.method);
        if (r.method === 'GET')
            methods.add('HEAD');
    }
    return [...methods].sort();
}
/** No route matched: 405 with Allow when the path exists under another method, else 404. */
export function notFound(app) {
    return (c) => {
        const allow = allowedMethods(app.routes, c.req.path);
        if (allow.length) {
            c.header('Allow', allow.join(', '));
            return c.json({ detail: 'Method Not Allowed' }, 405);
        }
        return c.json({ detail: 'Not Found' }, 404);
    };
}
