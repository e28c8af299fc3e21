import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LateHeadersResponse, addHeaders } from './lib/late-headers.ts';

/** One raw request; the response head as bytes on the wire (status line and header lines). */
function head(port: number, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    s.on('data', (d) => { text += d; }).on('end', () => resolve(text.split('\r\n\r\n')[0]!.split('\r\n'))).on('error', reject);
  });
}

// Each path writes its head in one of the ways Node allows, after observe-style late headers.
const handlers: Record<string, (res: ServerResponse) => void> = {
  '/object': (res) => res.writeHead(200, { 'Content-Type': 'text/plain', 'x-request-id': 'from-handler' }).end('ok'),
  '/reason': (res) => res.writeHead(201, 'Made', { 'Content-Type': 'text/plain' }).end('ok'),
  '/array': (res) => res.writeHead(200, ['Content-Type', 'text/plain', 'X-Other', '1']).end('ok'),
  '/implicit': (res) => { res.setHeader('Content-Type', 'text/plain'); res.end('ok'); },
};

describe('LateHeadersResponse (headers added before the head is written)', () => {
  let late: ReturnType<typeof createServer>;
  let plain: ReturnType<typeof createServer>;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    addHeaders(res, { 'X-Request-Id': 'req-1' });
    addHeaders(res, { Connection: 'close' });
    handlers[req.url!]!(res);
  };
  const port = (s: ReturnType<typeof createServer>) => (s.address() as AddressInfo).port;
  before(async () => {
    late = createServer({ ServerResponse: LateHeadersResponse }, listener);
    plain = createServer(listener);
    await Promise.all([late, plain].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  });
  after(() => { late.close(); plain.close(); });

  for (const path of Object.keys(handlers)) {
    it(`${path}: the late headers are on the wire once, beside the response's own (or replacing it)`, async () => {
      // setHeader() first (the fallback on a plain ServerResponse) lets writeHead's object win, so
      // only the late class is asked to replace a header the response brings itself.
      for (const server of path === '/object' ? [late] : [late, plain]) {
        const lines = await head(port(server), path);
        const named = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
        assert.deepEqual(named('x-request-id').map((l) => l.split(': ')[1]), ['req-1'], lines.join(' | '));
        assert.deepEqual(named('connection').map((l) => l.split(': ')[1]), ['close']);
        assert.deepEqual(named('content-type').map((l) => l.split(': ')[1]), ['text/plain']);
        if (path === '/reason') assert.equal(lines[0], 'HTTP/1.1 201 Made');
        if (path === '/array') assert.deepEqual(named('x-other'), ['X-Other: 1']);
      }
    });
  }
});
