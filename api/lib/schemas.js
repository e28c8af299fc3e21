import { z } from '@hono/zod-openapi';
export const INT4_MAX = 2_147_483_647;
/** A positive PostgreSQL `integer` written as decimal digits: `abc`, `0`, `-1`, `1.5`, `99999999999` fail. */
export const IdString = z
    .string()
    .regex(/^[1-9]\d*$/, 'Input should be a positive integer')
    .transform(Number)
    .pipe(z.number().max(INT4_MAX, `Input should be at most ${INT4_MAX}`));
export const Id = z.number().int().positive().max(INT4_MAX);
const codePoints = (s) => { let n = 0; for (const _ of s)
    n++; return n; };
/** Text PostgreSQL can store (no NUL, no lone surrogate), bounded in code points like char_length(). */
export const text = (min, max, trim = false) => (trim ? z.string().trim() : z.string())
    .refine((s) => s.isWellFormed() && !s.includes('\u0000'), { message: 'String should be valid Unicode text without NUL characters', params: { type: 'string_unicode' } })
    .refine((s) => s.length >= min, { message: `String should have at least ${min} character${min > 1 ? 's' : ''}`, params: { type: 'string_too_short' } })
    .refine((s) => codePoints(s) <= max, { message: `String should have at most ${max} characters`, params: { type: 'string_too_long' } });
export const Timestamp = z.string().openapi({ example: '2026-11-21T10:05:50.193Z', format: 'date-time' });
export const PageQuery = {
    limit: z.string().regex(/^\d+$/, 'Input should be an integer').transform(Number)
        .pipe(z.number().min(1).max(500)).optional().openapi({ param: { name: 'limit', in: 'query' }, example: '50' }),
    after: IdString.optional().openapi({ param: { name: 'after', in: 'query' }, example: '100' }),
};
export const DEFAULT_LIMIT = 50;
export const ErrorDetail = z.object({ detail: z.string() }).openapi('ErrorDetail');
export const ValidationErrorBody = z
    .object({ detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })) })
    .openapi('ValidationError');
export const errorResponses = {
    422: { content: { 'application/json': { schema: ValidationErrorBody } }, description: 'Validation error' },
    503: { content: { 'application/json': { schema: ErrorDetail } }, description: 'Database unavailable' },
};
export const jsonBodyErrors = {
    413: { content: { 'application/json': { schema: ErrorDetail } }, description: 'Body over 64 KiB' },
    415: { content: { 'application/json': { schema: ErrorDetail } }, description: 'Body is not application/json' },
};
/** `{items, next}` with one extra row fetched to know whether another page exists. */
export function page(rows, limit, key, base, extra = '') {
    const items = rows.slice(0, limit);
    const next = rows.length > limit ? `${base}?${extra}after=${key(items[items.length - 1])}&limit=${limit}` : null;
    return { items, next };
}
