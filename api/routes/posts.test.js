/** The posts contract (docs/api-contract.md) through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ISO, contract } from "../../test/support/contract.js";
const t = contract();
const { req, post, createUser, count, counter } = t;
describe('posts', () => {
    it('POST /posts creates a post for an existing user (201) and 404s for a missing one', async () => {
        const u = await createUser();
        const res = await post('/posts', { user_id: u.id, content: 'hello' });
        assert.equal(res.status, 201);
        const body = await res.json();
        assert.deepEqual(Object.keys(body).sort(), ['content', 'created_time', 'post_id', 'user_id']);
        assert.equal(body.user_id, u.id);
        assert.match(String(body.created_time), ISO);
        const missing = await post('/posts', { user_id: u.id + 1000, content: 'x' });
        assert.equal(missing.status, 404);
        assert.deepEqual(await missing.json(), { detail: 'User not found' });
        assert.equal(await count('posts'), 1);
        assert.equal(await counter('posts_created_total'), 1);
    });
    for (const [label, body] of [
        ['user_id as a string', { user_id: '1', content: 'x' }], ['user_id 1.5', { user_id: 1.5, content: 'x' }],
        ['user_id 0', { user_id: 0, content: 'x' }], ['user_id past int4', { user_id: 2147483648, content: 'x' }],
        ['content empty', { user_id: 1, content: '' }], ['content 10001', { user_id: 1, content: 'x'.repeat(10001) }],
        ['content missing', { user_id: 1 }], ['content a number', { user_id: 1, content: 7 }], ['user_id null', { user_id: null, content: 'x' }],
    ]) {
        it(`422 for ${label}`, async () => {
            await createUser();
            const res = await post('/posts', body);
            assert.equal(res.status, 422);
            const detail = (await res.json()).detail;
            assert.equal(detail[0].loc[0], 'body');
            assert.equal(await count('posts'), 0);
        });
    }
    it('content of exactly 10000 characters is accepted', async () => {
        const u = await createUser();
        assert.equal((await post('/posts', { user_id: u.id, content: 'é'.repeat(10000) })).status, 201);
    });
    it('GET /posts/{id}, GET /posts filtered by user_id and paged', async () => {
        const a = await createUser('a');
        const b = await createUser('b');
        const mine = [];
        for (let i = 0; i < 5; i++) {
            const r = await (await post('/posts', { user_id: i % 2 ? b.id : a.id, content: `p${i}` })).json();
            if (i % 2 === 0)
                mine.push(r.post_id);
        }
        const one = await req(`/posts/${mine[0]}`);
        assert.equal(one.status, 200);
        assert.equal((await one.json()).content, 'p0');
        const missing = await req('/posts/999');
        assert.equal(missing.status, 404);
        assert.deepEqual(await missing.json(), { detail: 'Post not found' });
        assert.equal((await req('/posts/abc')).status, 422);
        const p1 = await (await req(`/posts?user_id=${a.id}&limit=2`)).json();
        assert.deepEqual(p1.items.map((p) => p.post_id), mine.slice(0, 2));
        assert.equal(p1.next, `/posts?user_id=${a.id}&after=${mine[1]}&limit=2`);
        const p2 = await (await req(p1.next)).json();
        assert.deepEqual(p2.items.map((p) => p.post_id), mine.slice(2));
        assert.equal(p2.next, null);
        const all = await (await req('/posts')).json();
        assert.equal(all.items.length, 5);
        assert.equal((await req('/posts?user_id=abc')).status, 422);
    });
});
