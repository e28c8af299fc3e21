/** `/`, `/metrics`, `/openapi.json`, `/docs` through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contract, settle } from "../../test/support/contract.js";
const t = contract();
const { req, post, createUser, count, counter } = t;
describe('meta', () => {
    it('counters equal committed rows after a mix of good and rejected requests', async () => {
        const u = await createUser();
        await post('/users', { name: '' });
        await post('/users', '{');
        await post('/users', { name: 'b' }, 'text/plain');
        await post('/users', { name: 'ok' });
        await post('/posts', { user_id: u.id, content: 'x' });
        await post('/posts', { user_id: 424242, content: 'x' });
        await post('/posts', { user_id: u.id, content: '' });
        assert.equal(await counter('users_created_total'), await count('users'));
        assert.equal(await counter('users_created_total'), 2);
        assert.equal(await counter('posts_created_total'), await count('posts'));
        assert.equal(await counter('posts_created_total'), 1);
    });
    it('GET /metrics is Prometheus text with HELP lines and route patterns, never raw paths', async () => {
        await createUser();
        await req('/users/1');
        await req('/users/424242');
        await settle();
        const res = await req('/metrics');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
        const text = await res.text();
        assert.match(text, /# HELP users_created_total Total number of users created\n# TYPE users_created_total counter\nusers_created_total 1\n/);
        assert.match(text, /# HELP posts_created_total Total number of posts created/);
        assert.match(text, /http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1/);
        assert.match(text, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/users\/:id",status="200"\}/);
        assert.doesNotMatch(text, /route="\/users\/1"/);
    });
    it('GET / lists the endpoints; /openapi.json documents the same schemas; /docs serves Swagger UI', async () => {
        const root = await (await req('/')).json();
        assert.equal(root.message, 'User and Post API');
        assert.ok(root.endpoints['POST /users']);
        const doc = await (await req('/openapi.json')).json();
        assert.match(doc.openapi, /^3\./);
        for (const p of ['/users', '/users/{id}', '/user/{id}', '/posts', '/posts/{id}'])
            assert.ok(doc.paths[p], p);
        assert.deepEqual(Object.keys(doc.paths['/users'].post.responses).sort(), ['201', '413', '415', '422', '503']);
        assert.ok(doc.components.schemas.NewPost.properties.user_id);
        const docs = await req('/docs');
        assert.equal(docs.status, 200);
        assert.match(await docs.text(), /swagger-ui/i);
    });
});
