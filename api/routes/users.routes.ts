import { createRoute, z } from '@hono/zod-openapi';
import { ErrorDetail, IdString, PageQuery, Timestamp, errorResponses, jsonBodyErrors, text } from '../lib/schemas.ts';

export const NewUser = z.object({ name: text(1, 200, true).openapi({ example: 'Ada Lovelace' }) }).openapi('NewUser');
export const User = z.object({ id: z.number().int(), name: z.string(), created_time: Timestamp }).openapi('User');
export const UserPage = z.object({ items: z.array(User), next: z.string().nullable() }).openapi('UserPage');

const notFound = { content: { 'application/json': { schema: ErrorDetail } }, description: 'User not found' };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const createUser = createRoute({
  method: 'post', path: '/users', tags: ['users'], summary: 'Create a user',
  request: { body: { content: { 'application/json': { schema: NewUser } }, required: true } },
  responses: { 201: json(User, 'The created user'), ...jsonBodyErrors, ...errorResponses },
});

const getUserContract = (path: '/users/{id}' | '/user/{id}') => createRoute({
  method: 'get', path, tags: ['users'], summary: 'Read a user',
  request: { params: z.object({ id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: '1' }) }) },
  responses: { 200: json(User, 'The user'), 404: notFound, ...errorResponses },
});
export const getUser = getUserContract('/users/{id}');
/** The old service's singular path, same handler. */
export const getUserLegacy = getUserContract('/user/{id}');

export const listUsers = createRoute({
  method: 'get', path: '/users', tags: ['users'], summary: 'List users, ascending by id (keyset pagination)',
  request: { query: z.object(PageQuery) },
  responses: { 200: json(UserPage, 'A page of users'), ...errorResponses },
});
