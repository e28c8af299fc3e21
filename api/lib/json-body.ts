import type { MiddlewareHandler } from 'hono';
import { validationError } from './errors.ts';

export const BODY_LIMIT_BYTES = 64 * 1024;
const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

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

/**
 * Route middleware for JSON bodies: 415 for another media type, 413 past the limit, 422 (FastAPI
 * shape, loc ["body"]) for bytes that are not UTF-8 JSON. Leaves the text where Hono's validator reads it.
 */
export function jsonBody(limit = BODY_LIMIT_BYTES): MiddlewareHandler {
  const tooLarge = { detail: `Request body is larger than ${limit} bytes` };
  return async (c, next) => {
    const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA.test(media)) {
      return c.json({ detail: `Unsupported Media Type: send the body as application/json` }, 415);
    }
    const length = c.req.header('content-length');
    // A declared length bounds the read (the HTTP parser enforces it), so take the server's fast
    // buffered path; only a chunked body of unknown size is streamed through the cap.
    const bytes = length !== undefined
      ? (Number(length) > limit ? null : new Uint8Array(await c.req.raw.arrayBuffer()))
      : await readCapped(c.req.raw.body, limit);
    if (bytes === null) {
      c.header('Connection', 'close');
      return c.json(tooLarge, 413);
    }
    let text: string;
    let parsed: unknown;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      parsed = JSON.parse(text);
    } catch (err) {
      const msg = err instanceof SyntaxError ? `JSON decode error: ${err.message}` : 'Body is not valid UTF-8';
      return validationError(c, [{ loc: ['body'], msg, type: 'json_invalid' }]);
    }
    // Hand the already-parsed body to Hono's validator (it calls c.req.json()), so it is parsed once;
    // the text stays in Hono's body cache for anything that reads the body otherwise.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    c.req.json = (() => Promise.resolve(parsed)) as typeof c.req.json;
    await next();
  };
}
