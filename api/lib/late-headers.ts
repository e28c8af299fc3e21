import { ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';

/**
 * The server's response class: headers given to `addHeaders` before the status line is written
 * join the header object that `writeHead` receives. @hono/node-server hands `writeHead` a plain
 * object, which Node writes as it is; one `setHeader()` beforehand sends Node down its slower
 * path instead (a header map, then `setHeader()` again for every header of the object), a
 * measured share of the API's overhead in `npm run bench`.
 */
export class LateHeadersResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  #late: OutgoingHttpHeaders | undefined;

  addHeaders(headers: OutgoingHttpHeaders): void {
    this.#late = this.#late ? { ...this.#late, ...headers } : headers;
  }

  // The overloads are (status, headers?) and (status, reason, headers?).
  override writeHead(status: number, ...rest: unknown[]): this {
    const late = this.#late;
    if (late) {
      this.#late = undefined;
      const at = typeof rest[0] === 'string' ? 1 : 0;
      const given = rest[at];
      if (given === undefined || given === null) rest[at] = late;
      else if (Array.isArray(given)) for (const [k, v] of Object.entries(late)) this.setHeader(k, v!);
      else rest[at] = merge(given as OutgoingHttpHeaders, late);
    }
    return (super.writeHead as (status: number, ...rest: unknown[]) => this)(status, ...rest);
  }
}

/** `given` with `late` added, a late header replacing a given one of the same name in any case. */
function merge(given: OutgoingHttpHeaders, late: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const names = Object.keys(late).map((k) => k.toLowerCase());
  const out: OutgoingHttpHeaders = {};
  for (const k of Object.keys(given)) if (!names.includes(k.toLowerCase())) out[k] = given[k];
  return Object.assign(out, late);
}

/** Adds headers to a response not yet started: late on a LateHeadersResponse, else setHeader. */
export function addHeaders(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  if (res instanceof LateHeadersResponse) res.addHeaders(headers);
  else for (const [k, v] of Object.entries(headers)) res.setHeader(k, v!);
}
