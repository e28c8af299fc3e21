/** Headers the request path adds, as bytes on the wire from the real Node adapter (no database needed). */
import assert from 'node:assert/strict';
import { createAdaptorServer } from '@hono/node-server';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from "../app.js";
import { createSql } from "../db/client.js";
import { Lifecycle } from "../lib/lifecycle.js";
import { createLogger } from "../lib/logger.js";
import { createMetrics } from "../lib/metrics.js";
import { logSink } from "../../test/support/api.js";
/** One raw request; the response head as lines on the wire (status line and header lines). */
function head(port, request) {
    return new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.end(`${request}\r\nHost: x\r\n\r\n`));
        let text = '';
        s.on('data', (d) => { text += d; }).on('end', () => resolve(text.split('\r\n\r\n')[0].split('\r\n'))).on('error', reject);
    });
}
const named = (lines, name) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`)).map((l) => l.split(': ')[1]);
describe('X-Request-Id and Connection on the wire', () => {
    const lifecycle = new Lifecycle();
    // The pool connects lazily; these routes never query.
    const sql = createSql({ url: 'postgres://nobody@127.0.0.1:1/none', port: 0, name: '', user: '', poolMax: 1, connectTimeoutS: 1 });
    const app = createApp({ sql, metrics: createMetrics({ defaults: false }), log: createLogger('info', logSink().stream), lifecycle });
    const server = createAdaptorServer({ fetch: app.fetch });
    let port = 0;
    before(() => new Promise((r) => server.listen(0, '127.0.0.1', () => { port = server.address().port; r(); })));
    after(async () => { server.close(); await sql.end({ timeout: 1 }); });
    for (const [request, status, own] of [
        ['GET /healthz/live HTTP/1.1', '200', 'content-type'],
        ['GET /nope HTTP/1.1', '404', 'content-type'],
        ['DELETE /users/1 HTTP/1.1', '405', 'allow'],
    ]) {
        it(`${request}: the id once beside the response's own ${own}; Connection: close once while draining`, async () => {
            lifecycle.phase = 'ready';
            let lines = await head(port, `${request}\r\nX-Request-Id: wire-1`);
            assert.equal(lines[0].split(' ')[1], status);
            assert.deepEqual(named(lines, 'x-request-id'), ['wire-1'], lines.join(' | '));
            assert.equal(named(lines, own).length, 1);
            assert.deepEqual(named(lines, 'connection'), ['keep-alive']);
            lifecycle.phase = 'draining';
            lines = await head(port, request);
            assert.match(named(lines, 'x-request-id').join(), /^[0-9a-f]{12}-[0-9a-z]+$/);
            assert.deepEqual(named(lines, 'connection'), ['close'], lines.join(' | '));
            assert.equal(named(lines, own).length, 1);
        });
    }
});
