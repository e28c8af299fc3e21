import type { Query, Sql } from './client.ts';

export type User = { id: number; name: string; created_time: Date };

// Each returns the pending query itself, for the handler to await (see Query in client.ts).

export function insertUser(sql: Sql, name: string): Query<[User]> {
  return sql<[User]>`INSERT INTO users (name) VALUES (${name}) RETURNING id, name, created_time`;
}

export function findUser(sql: Sql, id: number): Query<[User?]> {
  return sql<[User?]>`SELECT id, name, created_time FROM users WHERE id = ${id}`;
}

/** Keyset page: one extra row tells whether a next page exists. */
export function listUsers(sql: Sql, after: number, limit: number): Query<User[]> {
  return sql<User[]>`SELECT id, name, created_time FROM users WHERE id > ${after} ORDER BY id LIMIT ${limit + 1}`;
}
