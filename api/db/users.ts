import { firstRow, type Sql } from './client.ts';

export type User = { id: number; name: string; created_time: Date };

export function insertUser(sql: Sql, name: string): Promise<User> {
  return sql<[User]>`INSERT INTO users (name) VALUES (${name}) RETURNING id, name, created_time`.then(firstRow);
}

export function findUser(sql: Sql, id: number): Promise<User | undefined> {
  return sql<[User?]>`SELECT id, name, created_time FROM users WHERE id = ${id}`.then(firstRow);
}

/** Keyset page: one extra row tells whether a next page exists. */
export async function listUsers(sql: Sql, after: number, limit: number): Promise<User[]> {
  return sql<User[]>`SELECT id, name, created_time FROM users WHERE id > ${after} ORDER BY id LIMIT ${limit + 1}`;
}
