import { docsRouter } from "./docs.js";
/** `/`, `/metrics`, `/openapi.json` (from the same zod schemas that validate), Swagger UI at `/docs` and ReDoc at `/redoc`. */
export function registerMeta(app, { metrics }) {
    app.get('/', (c) => c.json({
        message: 'User and Post API',
        endpoints: {
            'POST /users': 'create a user', 'GET /users': 'list users', 'GET /users/{id}': 'read a user', 'GET /user/{id}': 'read a user (legacy path)',
            'POST /posts': 'create a post', 'GET /posts': 'list posts', 'GET /posts/{id}': 'read a post',
            'GET /metrics': 'Prometheus metrics', 'GET /health': 'health with database check',
            'GET /healthz/live': 'liveness', 'GET /healthz/ready': 'readiness', 'GET /docs': 'Swagger UI', 'GET /redoc': 'ReDoc', 'GET /openapi.json': 'OpenAPI document',
        },
    }));
    app.get('/metrics', async (c) => {
        c.header('Content-Type', metrics.registry.contentType);
        return c.body(await metrics.registry.metrics());
    });
    app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'User and Post API', version: '1.0.0' } });
    app.route('/', docsRouter());
}
