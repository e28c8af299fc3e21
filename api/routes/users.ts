import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../deps.ts';
import { findUser, insertUser, listUsers, type User } from '../db/users.ts';
import { mountRoute } from '../http/route.ts';
import { createRouter } from '../http/router.ts';
import { DEFAULT_LIMIT, page } from '../lib/schemas.ts';
import * as routes from './users.routes.ts';

export const toUser = (u: User) => ({ id: u.id, name: u.name, created_time: u.created_time.toISOString() });

export function usersRouter({ sql, metrics }: Deps) {
  const app = createRouter();

  mountRoute(app, routes.createUser, async (c) => {
    const { name } = c.req.valid('json');
    const [user] = await insertUser(sql, name);
    metrics.created.users++; // after the commit: a rejected request never counts
    return c.json(toUser(user), 201);
  });

  // The old singular path shares the handler.
  for (const route of [routes.getUser, routes.getUserLegacy]) {
    mountRoute(app, route, async (c) => {
      const [user] = await findUser(sql, c.req.valid('param').id);
      if (!user) throw new HTTPException(404, { message: 'User not found' });
      return c.json(toUser(user), 200);
    });
  }

  mountRoute(app, routes.listUsers, async (c) => {
    const { limit = DEFAULT_LIMIT, after = 0 } = c.req.valid('query');
    const rows = await listUsers(sql, after, limit);
    const { items, next } = page(rows, limit, (u) => u.id, '/users');
    return c.json({ items: items.map(toUser), next }, 200);
  });

  return app;
}
