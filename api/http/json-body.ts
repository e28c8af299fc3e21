import type { Context } from 'hono';
import { validationError } from './errors.ts';

export const BODY_LIMIT_BYTES = 64 * 1024;
const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;
/** Throws on bytes that are not UTF-8; keeps a BOM, which JSON.parse then refuses. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads at most `limit` bytes; null as soon as the body is larger (the rest is never buffered). */
async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export type JsonBody = { value: unknown } | { response: Response };

/**
 * A request's JSON body, or the response that refuses it: 415 for another media type, 413 past
 * the limit, 422 (FastAPI shape, loc ["body"]) for bytes that are not UTF-8 JSON.
 */
export async function readJsonBody(c: Context, limit = BODY_LIMIT_BYTES): Promise<JsonBody> {
  const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA.test(media)) {
    return { response: c.json({ detail: 'Unsupported Media Type: send the body as application/json' }, 415) };
  }
  const length = c.req.header('content-length');
  // A declared length is enforced by the HTTP parser, so it is read whole; only chunked bodies stream through the cap.
  const bytes = length !== undefined
    ? (Number(length) > limit ? null : await c.req.raw.arrayBuffer())
    : await readCapped(c.req.raw.body, limit);
  if (bytes === null) {
    c.header('Connection', 'close');
    return { response: c.json({ detail: `Request body is larger than ${limit} bytes` }, 413) };
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { response: validationError(c, [{ loc: ['body'], msg: 'Body is not valid UTF-8', type: 'json_invalid' }]) };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { response: validationError(c, [{ loc: ['body'], msg: `JSON decode error: ${(err as Error).message}`, type: 'json_invalid' }]) };
  }
}
