import type { Query, Sql } from './client.ts';

export type Post = { post_id: number; content: string; user_id: number; created_time: Date };

// Each returns the pending query itself, for the handler to await (see Query in client.ts).

/** The foreign key rejects a missing user atomically (no SELECT-then-INSERT race). */
export function insertPost(sql: Sql, userId: number, content: string): Query<[Post]> {
  return sql<[Post]>`
    INSERT INTO posts (user_id, content) VALUES (${userId}, ${content})
    RETURNING post_id, content, user_id, created_time`;
}

export function findPost(sql: Sql, id: number): Query<[Post?]> {
  return sql<[Post?]>`
    SELECT post_id, content, user_id, created_time FROM posts WHERE post_id = ${id}`;
}

export function listPosts(sql: Sql, opts: { userId?: number; after: number; limit: number }): Query<Post[]> {
  const byUser = opts.userId === undefined ? sql`` : sql`AND user_id = ${opts.userId}`;
  return sql<Post[]>`
    SELECT post_id, content, user_id, created_time FROM posts
    WHERE post_id > ${opts.after} ${byUser}
    ORDER BY post_id LIMIT ${opts.limit + 1}`;
}
