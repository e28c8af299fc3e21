import { firstRow, type Sql } from './client.ts';

export type Post = { post_id: number; content: string; user_id: number; created_time: Date };

/** The foreign key rejects a missing user atomically (no SELECT-then-INSERT race). */
export function insertPost(sql: Sql, userId: number, content: string): Promise<Post> {
  return sql<[Post]>`
    INSERT INTO posts (user_id, content) VALUES (${userId}, ${content})
    RETURNING post_id, content, user_id, created_time`.then(firstRow);
}

export function findPost(sql: Sql, id: number): Promise<Post | undefined> {
  return sql<[Post?]>`
    SELECT post_id, content, user_id, created_time FROM posts WHERE post_id = ${id}`.then(firstRow);
}

export async function listPosts(sql: Sql, opts: { userId?: number; after: number; limit: number }): Promise<Post[]> {
  const byUser = opts.userId === undefined ? sql`` : sql`AND user_id = ${opts.userId}`;
  return sql<Post[]>`
    SELECT post_id, content, user_id, created_time FROM posts
    WHERE post_id > ${opts.after} ${byUser}
    ORDER BY post_id LIMIT ${opts.limit + 1}`;
}
