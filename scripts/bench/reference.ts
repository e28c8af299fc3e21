/**
 * The benchmark's reference: bare Hono + postgres.js doing the same inserts and selects as the
 * API, with no validation, metrics, request ids or logs. Run as a script it serves on PORT; env:
 * DATABASE_URL, PORT, DB_POOL_MAX. request-path.ts builds the same app on a fake `sql`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';

export function referenceApp(sql: postgres.Sql) {
  const app = new Hono();
  app.post('/users', async (c) => {
    const { name } = await c.req.json();
    const [u] = await sql`INSERT INTO users (name) VALUES (${name}) RETURNING id, name, created_time`;
    return c.json(u, 201);
  });
  app.get('/users/:id', async (c) => {
    const [u] = await sql`SELECT id, name, created_time FROM users WHERE id = ${Number(c.req.param('id'))}`;
    return u ? c.json(u) : c.json({ detail: 'User not found' }, 404);
  });
  app.post('/posts', async (c) => {
    const { user_id, content } = await c.req.json();
    const [p] = await sql`INSERT INTO posts (user_id, content) VALUES (${user_id}, ${content}) RETURNING post_id, content, user_id, created_time`;
    return c.json(p, 201);
  });
  app.get('/healthz/ready', (c) => c.json({ status: 'ok' }));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DB_POOL_MAX ?? 10), onnotice: () => {} });
  const server = serve({ fetch: referenceApp(sql).fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
  process.on('SIGTERM', () => server.close(() => void sql.end().then(() => process.exit(0))));
}
