import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../deps.ts';
import { isForeignKeyViolation } from '../db/client.ts';
import { findPost, insertPost, listPosts, type Post } from '../db/posts.ts';
import { mountRoute } from '../http/route.ts';
import { createRouter } from '../http/router.ts';
import { DEFAULT_LIMIT, page } from '../lib/schemas.ts';
import * as routes from './posts.routes.ts';

const toPost = (p: Post) => ({ post_id: p.post_id, content: p.content, user_id: p.user_id, created_time: p.created_time.toISOString() });

export function postsRouter({ sql, metrics }: Deps) {
  const app = createRouter();

  mountRoute(app, routes.createPost, async (c) => {
    const { user_id, content } = c.req.valid('json');
    let post: Post;
    try {
      [post] = await insertPost(sql, user_id, content);
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new HTTPException(404, { message: 'User not found' });
      throw err;
    }
    metrics.created.posts++;
    return c.json(toPost(post), 201);
  });

  mountRoute(app, routes.getPost, async (c) => {
    const [post] = await findPost(sql, c.req.valid('param').id);
    if (!post) throw new HTTPException(404, { message: 'Post not found' });
    return c.json(toPost(post), 200);
  });

  mountRoute(app, routes.listPosts, async (c) => {
    const { limit = DEFAULT_LIMIT, after = 0, user_id } = c.req.valid('query');
    const rows = await listPosts(sql, { userId: user_id, after, limit });
    const { items, next } = page(rows, limit, (p) => p.post_id, '/posts', user_id ? `user_id=${user_id}&` : '');
    return c.json({ items: items.map(toPost), next }, 200);
  });

  return app;
}
