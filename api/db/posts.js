// Each returns the pending query itself, for the handler to await (see Query in client.ts).
/** The foreign key rejects a missing user atomically (no SELECT-then-INSERT race). */
export function insertPost(sql, userId, content) {
    return sql `
    INSERT INTO posts (user_id, content) VALUES (${userId}, ${content})
    RETURNING post_id, content, user_id, created_time`;
}
export function findPost(sql, id) {
    return sql `
    SELECT post_id, content, user_id, created_time FROM posts WHERE post_id = ${id}`;
}
export function listPosts(sql, opts) {
    const byUser = opts.userId === undefined ? sql `` : sql `AND user_id = ${opts.userId}`;
    return sql `
    SELECT post_id, content, user_id, created_time FROM posts
    WHERE post_id > ${opts.after} ${byUser}
    ORDER BY post_id LIMIT ${opts.limit + 1}`;
}
