/** Hostile input only ever gets a 4xx: a sweep of malformed bodies, paths and queries, a property test, and raw bytes on the wire. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { appOn, startApiProcess } from "../test/support/api.js";
import { startPostgres } from "../test/support/postgres.js";
let pg;
let ctx;
before(async () => { pg = await startPostgres(); ctx = await appOn(pg.url); });
after(async () => { await ctx.close(); await pg.destroy(); });
const send = (method, path, body, type = 'application/json') => ctx.app.request(path, { method, headers: body === undefined ? {} : { 'content-type': type }, body });
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
const BODIES = [
    '{"name": 1e400}', '{"name": -0}', '{"name": true}', '{"name": ["a"]}', '{"name": {"$ne": null}}', '{"name": null}',
    `{"name": "'; DROP TABLE users; --"}`, '{"name": "\\u0000"}', '{"name": "\\ud83d"}', '{"name": "a", "name": ""}',
    '{"__proto__": {"name": "x"}}', '{"constructor": {"prototype": {"admin": true}}}', deep(10_000), `{"name": ${deep(5000)}}`,
    '{"user_id": 99999999999999999999999, "content": "x"}', '{"user_id": 1e2, "content": "x"}', '{"user_id": "1 OR 1=1", "content": "x"}',
    '{"user_id": -2147483648, "content": "x"}', '{"user_id": 9007199254740993, "content": "x"}', '{"user_id": NaN, "content": "x"}',
    '{"user_id": Infinity}', '{"content": "x", "user_id": [1]}', '\ufeff{"name":"bom"}', '{"name":"a"', '{"name":"a"}}', '\u0000',
    new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), new Uint8Array([0xc3, 0x28]), new Uint8Array([0xed, 0xa0, 0x80]),
    'x'.repeat(70_000), `{"name":"${'\\u00e9'.repeat(20_000)}"}`,
];
const PATHS = ['/users/abc', '/users/0', '/users/-1', '/users/1.5', '/users/99999999999', '/users/1e3', '/users/%00', '/users/%F0%9F%98%80',
    '/users/1%20OR%201=1', '/users/0x10', '/posts/NaN', '/posts/Infinity', '/user/-0', '/users?limit=-1', '/users?limit=1e2',
    '/users?after=abc', '/users?limit=%00', '/posts?user_id=1;DROP', '/posts?user_id=', '/posts?after=1.0', '/%ff'];
describe('malformed input sweep', () => {
    it('every body posted to /users and /posts gets a 2xx or 4xx, never 5xx', async () => {
        for (const path of ['/users', '/posts'])
            for (const body of BODIES) {
                const res = await send('POST', path, body);
                assert.ok(res.status < 500, `${path} ${String(body).slice(0, 40)} → ${res.status}`);
                if (res.status >= 400)
                    assert.ok('detail' in (await res.json()));
            }
    });
    it('every hostile path and query gets a 4xx', async () => {
        for (const path of PATHS) {
            const res = await send('GET', path);
            assert.ok(res.status >= 400 && res.status < 500, `${path} → ${res.status}`);
        }
    });
    it('SQL in strings is stored literally', async () => {
        const evil = "Robert'); DROP TABLE users;--";
        const res = await send('POST', '/users', JSON.stringify({ name: evil }));
        assert.equal(res.status, 201);
        const { id } = await res.json();
        assert.equal((await (await send('GET', `/users/${id}`)).json()).name, evil);
    });
    it('property: any JSON value as a body gets 201 exactly when it is a valid user, else 422', async () => {
        await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ name: fc.oneof(fc.string({ maxLength: 260, unit: 'grapheme' }), fc.jsonValue()) })), async (value) => {
            const res = await send('POST', '/users', JSON.stringify(value));
            const name = value?.name;
            const valid = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof name === 'string'
                && name.trim().length >= 1 && [...name.trim()].length <= 200 && !name.includes('\u0000') && name.isWellFormed();
            assert.equal(res.status, valid ? 201 : 422, JSON.stringify(value));
        }), { numRuns: 300 });
    });
    it('property: any string as an id is 200/404 exactly when it is a positive int4, else 422', async () => {
        await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 12 }), fc.bigInt({ min: -10n, max: 2n ** 32n }).map(String)), async (raw) => {
            const res = await send('GET', `/users/${encodeURIComponent(raw)}`);
            const valid = /^[1-9]\d*$/.test(raw) && Number(raw) <= 2_147_483_647;
            if (raw === '' || raw === '.' || raw === '..')
                return; // other routes
            assert.equal(valid ? [200, 404].includes(res.status) : res.status === 422, true, `${JSON.stringify(raw)} → ${res.status}`);
        }), { numRuns: 300 });
    });
});
describe('bytes on the wire', () => {
    let api;
    before(async () => { api = await startApiProcess({ DATABASE_URL: pg.url }); });
    after(async () => { api.child.kill('SIGTERM'); await api.exited; });
    /** Writes raw bytes, returns the status line and body the server answered with. */
    const raw = (bytes, { endAfterMs = 3000 } = {}) => new Promise((resolve, reject) => {
        const sock = connect(api.port, '127.0.0.1');
        let data = '';
        sock.on('data', (d) => { data += d; });
        sock.on('error', reject);
        sock.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]), text: data }));
        sock.write(bytes);
        setTimeout(() => sock.end(), endAfterMs);
    });
    it('a declared 1 GB body is refused with 413 before any of it is sent', async () => {
        const r = await raw('POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n');
        assert.equal(r.status, 413);
        assert.match(r.text, /"detail":"Request body is larger than 65536 bytes"/);
    });
    it('a chunked body that grows past 64 KiB is cut off with 413', async () => {
        const chunk = 'x'.repeat(16_384);
        const body = `{"name":"${chunk.repeat(5)}"}`;
        const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
        const r = await raw(`POST /posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`);
        assert.equal(r.status, 413);
    });
    it('invalid UTF-8 inside a JSON string is 422, and the server keeps serving', async () => {
        const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf, 0xff]), Buffer.from('"}')]);
        const r = await raw(Buffer.concat([Buffer.from(`POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
        assert.equal(r.status, 422);
        assert.match(r.text, /"loc":\["body"\]/);
        assert.equal((await fetch(`${api.url}/healthz/live`)).status, 200);
    });
    it('X-Request-Id on the wire: echoed when well-formed, generated otherwise', async () => {
        const r = await raw('GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: wire-test-42\r\nConnection: close\r\n\r\n');
        assert.match(r.text, /^x-request-id: wire-test-42\r$/im);
        const g = await raw('GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id with spaces\r\nConnection: close\r\n\r\n');
        assert.equal(g.status, 404);
        assert.match(g.text, /^x-request-id: [0-9a-f]{12}-[0-9a-z]+\r$/im);
        assert.match(g.text, /^content-type: application\/json/im);
        // A response that carries headers of its own (Allow) still gets the id.
        const d = await raw('DELETE /users/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        assert.equal(d.status, 405);
        assert.match(d.text, /^allow: GET, HEAD\r$/im);
        assert.match(d.text, /^x-request-id: [0-9a-f]{12}-[0-9a-z]+\r$/im);
    });
    it('X-Request-Id on the wire is found in any letter case; a repeated one is not echoed', async () => {
        const lower = await raw('GET /users/1 HTTP/1.1\r\nHost: x\r\nx-REQUEST-id: MiXeD.case:1\r\nConnection: close\r\n\r\n');
        assert.match(lower.text, /^x-request-id: MiXeD\.case:1\r$/im);
        // Two ids join as "a, b" (as Headers.get() joins them), which is no valid id: one is generated.
        const twice = await raw('GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\nX-Request-Id: second\r\nConnection: close\r\n\r\n');
        assert.match(twice.text, /^x-request-id: [0-9a-f]{12}-[0-9a-z]+\r$/im);
    });
    it('garbage instead of HTTP is a 400 and no crash', async () => {
        const r = await raw('\x00\x01GARBAGE\r\n\r\n');
        assert.equal(r.status, 400);
        assert.equal(api.child.exitCode, null);
        assert.equal((await fetch(`${api.url}/users`)).status, 200);
    });
});
