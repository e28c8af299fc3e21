import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** A registry per app (never prom-client's global one), so two apps in one process never collide. */
export function createMetrics({ defaults = true } = {}) {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    usersCreated: new Counter({ name: 'users_created_total', help: 'Total number of users created', registers: [registry] }),
    postsCreated: new Counter({ name: 'posts_created_total', help: 'Total number of posts created', registers: [registry] }),
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds', help: 'HTTP request duration in seconds by method, route pattern and status',
      labelNames, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
  };
}
