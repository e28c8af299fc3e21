/** The users contract (docs/api-contract.md) through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ISO, contract } from "../../test/support/contract.js";
const t = contract();
const { req, post, createUser, count } = t;
describe('users', () => {
    it('POST /users creates a row and answers 201 with id, trimmed name and ISO time', async () => {
        const res = await post('/users', { name: '  Ada Lovelace ', extra: 'ignored' });
        assert.equal(res.status, 201);
        const body = await res.json();
        assert.deepEqual(Object.keys(body).sort(), ['created_time', 'id', 'name']);
        assert.equal(body.name, 'Ada Lovelace');
        assert.match(String(body.created_time), ISO);
        const [row] = await t.ctx.sql `SELECT name FROM users WHERE id = ${body.id}`;
        assert.equal(row.name, 'Ada Lovelace');
    });
    it('accepts a trailing slash on every route', async () => {
        assert.equal((await post('/users/', { name: 'x' })).status, 201);
        assert.equal((await req('/users/1/')).status, 200);
        assert.equal((await req('/user/1/')).status, 200);
        assert.equal((await req('/users/')).status, 200);
        assert.equal((await post('/posts/', { user_id: 1, content: 'c' })).status, 201);
        assert.equal((await req('/posts/1/')).status, 200);
    });
    for (const [name, ok] of [['a', true], ['x'.repeat(200), true], ['😀'.repeat(200), true], [` ${'x'.repeat(200)} `, true],
        ['', false], ['   ', false], ['x'.repeat(201), false], ['😀'.repeat(201), false], ['a\u0000b', false], ['\ud800', false]]) {
        it(`name of ${[...name].length} code points ${JSON.stringify(name.slice(0, 6))}… → ${ok ? 201 : 422}`, async () => {
            const res = await post('/users', { name });
            assert.equal(res.status, ok ? 201 : 422);
            if (!ok) {
                const body = await res.json();
                assert.deepEqual(body.detail[0].loc, ['body', 'name']);
                assert.equal(typeof body.detail[0].msg, 'string');
            }
        });
    }
    it('422 in the FastAPI shape for a missing or mistyped name', async () => {
        let res = await post('/users', {});
        assert.equal(res.status, 422);
        assert.deepEqual(await res.json(), { detail: [{ loc: ['body', 'name'], msg: 'Invalid input: expected string, received undefined', type: 'missing' }] });
        res = await post('/users', { name: 5 });
        assert.equal((await res.json()).detail[0].type, 'string_type');
        for (const body of ['[]', 'null', '"ada"', '42']) {
            res = await post('/users', body);
            assert.equal(res.status, 422, body);
            assert.deepEqual((await res.json()).detail[0].loc, ['body']);
        }
        assert.equal(await count('users'), 0);
    });
    it('malformed JSON is 422 with loc ["body"]', async () => {
        for (const body of ['{"name":', '{name: 1}', '', '{"name":"a"}x']) {
            const res = await post('/users', body);
            assert.equal(res.status, 422, body);
            const detail = (await res.json()).detail;
            assert.deepEqual(detail, [{ loc: ["body"], msg: detail[0].msg, type: "json_invalid" }]);
            assert.match(detail[0].msg, /^JSON decode error/);
        }
    });
    it('415 for a body that is not application/json; charset and +json are fine', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
            const res = await post('/users', '{"name":"a"}', type);
            assert.equal(res.status, 415, type);
            assert.match((await res.json()).detail, /application\/json/);
        }
        assert.equal((await req('/users', { method: 'POST', body: '{"name":"a"}' })).status, 415);
        assert.equal((await post('/users', { name: 'a' }, 'application/json; charset=utf-8')).status, 201);
        assert.equal((await post('/users', { name: 'a' }, 'application/merge-patch+json')).status, 201);
    });
    it('413 over 64 KiB, while exactly 64 KiB is read and validated', async () => {
        const exact = JSON.stringify({ name: 'a', pad: 'x'.repeat(65536 - 21) });
        assert.equal(Buffer.byteLength(exact), 65536);
        assert.equal((await post('/users', exact)).status, 201);
        const res = await post('/users', JSON.stringify({ name: 'a', pad: 'x'.repeat(65536) }));
        assert.equal(res.status, 413);
        assert.match((await res.json()).detail, /65536 bytes/);
        assert.equal(await count('users'), 1);
    });
    it('GET /users/{id} and /user/{id} answer the same; 404 and 422 as the contract says', async () => {
        const u = await createUser('grace');
        const a = await (await req(`/users/${u.id}`)).json();
        const b = await (await req(`/user/${u.id}`)).json();
        assert.deepEqual(a, b);
        assert.deepEqual(a, { ...u });
        for (const path of ['/users/2147483647', '/user/999']) {
            const res = await req(path);
            assert.equal(res.status, 404);
            assert.deepEqual(await res.json(), { detail: 'User not found' });
        }
        for (const bad of ['abc', '0', '-1', '1.5', '99999999999', '2147483648', '1e3', '%20', '01x']) {
            const res = await req(`/users/${bad}`);
            assert.equal(res.status, 422, bad);
            assert.deepEqual((await res.json()).detail[0].loc, ['path', 'id']);
        }
    });
    it('GET /users pages by keyset with next links until null', async () => {
        const ids = [];
        for (let i = 0; i < 7; i++)
            ids.push((await createUser(`u${i}`)).id);
        const seen = [];
        let next = '/users?limit=3';
        const nexts = [];
        while (next) {
            const res = await req(next);
            assert.equal(res.status, 200);
            const body = await res.json();
            seen.push(...body.items.map((u) => u.id));
            next = body.next;
            nexts.push(next);
        }
        assert.deepEqual(seen, ids);
        assert.deepEqual(nexts, [`/users?after=${ids[2]}&limit=3`, `/users?after=${ids[5]}&limit=3`, null]);
        // An exact multiple ends with next: null rather than an empty page.
        const last = await (await req(`/users?after=${ids[3]}&limit=3`)).json();
        assert.equal(last.items.length, 3);
        assert.equal(last.next, null);
        const all = await (await req('/users')).json();
        assert.equal(all.items.length, 7);
        for (const q of ['limit=0', 'limit=501', 'limit=abc', 'after=0', 'after=-1', 'limit=1&limit=2', 'after=99999999999']) {
            assert.equal((await req(`/users?${q}`)).status, 422, q);
        }
        assert.equal((await req('/users?limit=500')).status, 200);
    });
});
