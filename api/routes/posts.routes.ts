import { createRoute, z } from '@hono/zod-openapi';
import { ErrorDetail, Id, IdString, PageQuery, Timestamp, errorResponses, jsonBodyErrors, text } from '../lib/schemas.ts';

export const NewPost = z.object({
  user_id: Id.openapi({ example: 1 }),
  content: text(1, 10_000).openapi({ example: 'Hello, wiki.' }),
}).openapi('NewPost');
export const Post = z.object({ post_id: z.number().int(), content: z.string(), user_id: z.number().int(), created_time: Timestamp }).openapi('Post');
export const PostPage = z.object({ items: z.array(Post), next: z.string().nullable() }).openapi('PostPage');

const notFound = (description: string) => ({ content: { 'application/json': { schema: ErrorDetail } }, description });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const createPost = createRoute({
  method: 'post', path: '/posts', tags: ['posts'], summary: 'Create a post for an existing user',
  request: { body: { content: { 'application/json': { schema: NewPost } }, required: true } },
  responses: { 201: json(Post, 'The created post'), 404: notFound('User not found'), ...jsonBodyErrors, ...errorResponses },
});

export const getPost = createRoute({
  method: 'get', path: '/posts/{id}', tags: ['posts'], summary: 'Read a post',
  request: { params: z.object({ id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: '1' }) }) },
  responses: { 200: json(Post, 'The post'), 404: notFound('Post not found'), ...errorResponses },
});

export const listPosts = createRoute({
  method: 'get', path: '/posts', tags: ['posts'], summary: 'List posts, ascending by post_id, optionally of one user',
  request: { query: z.object({ ...PageQuery, user_id: IdString.optional().openapi({ param: { name: 'user_id', in: 'query' }, example: '1' }) }) },
  responses: { 200: json(PostPage, 'A page of posts'), ...errorResponses },
});
