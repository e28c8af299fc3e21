import type { Sql } from './client.ts';

export type User = { id: number; name: string; created_time: Date };

// Each query is awaited directly, in one async function that the handler awaits (the shape of the
// benchmark's reference app): in A/B runs, calling `.then()` on a postgres.js query, or a third
// async frame around it, made V8 promote the query's short-lived objects to the old generation
// (≈ 1 KB per request, several µs of garbage collection). See README, Benchmark.
export async function insertUser(sql: Sql, name: string): Promise<User> {
  const [user] = await sql<[User]>`INSERT INTO users (name) VALUES (${name}) RETURNING id, name, created_time`;
  return user;
}

export async function findUser(sql: Sql, id: number): Promise<User | undefined> {
  const [user]: [User?] = await sql<[User?]>`SELECT id, name, created_time FROM users WHERE id = ${id}`;
  return user;
}

/** Keyset page: one extra row tells whether a next page exists. */
export async function listUsers(sql: Sql, after: number, limit: number): Promise<User[]> {
  return sql<User[]>`SELECT id, name, created_time FROM users WHERE id > ${after} ORDER BY id LIMIT ${limit + 1}`;
}
