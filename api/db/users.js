// Each returns the pending query itself, for the handler to await (see Query in client.ts).
export function insertUser(sql, name) {
    return sql `INSERT INTO users (name) VALUES (${name}) RETURNING id, name, created_time`;
}
export function findUser(sql, id) {
    return sql `SELECT id, name, created_time FROM users WHERE id = ${id}`;
}
/** Keyset page: one extra row tells whether a next page exists. */
export function listUsers(sql, after, limit) {
    return sql `SELECT id, name, created_time FROM users WHERE id > ${after} ORDER BY id LIMIT ${limit + 1}`;
}
