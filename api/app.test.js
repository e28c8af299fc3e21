/** The request path every route shares (404/405, request ids, access lines), through app.request(), on a real PostgreSQL 18. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logSink } from "../test/support/api.js";
import { contract, settle } from "../test/support/contract.js";
import { createLogger } from "./lib/logger.js";
const t = contract();
const { req } = t;
describe('the request path', () => {
    it('unknown route 404, wrong method 405 with Allow', async () => {
        const res = await req('/nope');
        assert.equal(res.status, 404);
        assert.deepEqual(await res.json(), { detail: 'Not Found' });
        const del = await req('/users/1', { method: 'DELETE' });
        assert.equal(del.status, 405);
        assert.equal(del.headers.get('allow'), 'GET, HEAD');
        const put = await req('/users', { method: 'PUT' });
        assert.equal(put.status, 405);
        assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
        assert.deepEqual(await put.json(), { detail: 'Method Not Allowed' });
        assert.equal((await req('/users/1/extra')).status, 404);
    });
    it('X-Request-Id is echoed or generated, and the request log line carries it', async () => {
        const echoed = await req('/users', { headers: { 'X-Request-Id': 'abc-123' } });
        assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
        const generated = await req('/nope');
        assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f]{12}-[0-9a-z]+$/);
        const again = await req('/nope');
        assert.notEqual(again.headers.get('x-request-id'), generated.headers.get('x-request-id'));
        await settle();
        const line = t.ctx.logs.find((l) => l.reqId === 'abc-123');
        assert.ok(line, 'request log line');
        assert.deepEqual({ method: line.method, route: line.route, status: line.status }, { method: 'GET', route: '/users', status: '200' });
        assert.equal(typeof line.duration_ms, 'number');
        // The access line carries exactly these fields, as pino writes them (a child bound to the label set).
        const sink = logSink();
        createLogger('info', sink.stream).child({ method: line.method, route: line.route, status: line.status }).info({ reqId: line.reqId, duration_ms: line.duration_ms }, 'request');
        await new Promise((r) => setImmediate(r));
        const pinos = sink.lines[0];
        assert.deepEqual(Object.keys(line), Object.keys(pinos));
        assert.deepEqual({ ...line, time: 0 }, { ...pinos, time: 0 });
        assert.ok(Math.abs(line.time - Date.now()) < 60_000);
    });
    it('every documented operation is served behind a gate that checks what /openapi.json says', async () => {
        const doc = await (await req('/openapi.json')).json();
        const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method, op })));
        assert.equal(ops.length, 7);
        // Every contract route the app serves is documented.
        const served = t.ctx.app.routes.filter((r) => r.method !== 'ALL' && /^\/(users?|posts)\b/.test(r.path)).map((r) => `${r.method.toLowerCase()} ${r.path.replaceAll(/:(\w+)/g, '{$1}')}`);
        assert.deepEqual([...new Set(served)].sort(), ops.map((o) => `${o.method} ${o.path}`).sort());
        await t.createUser();
        for (const { path, method, op } of ops) {
            const label = `${method.toUpperCase()} ${path}`;
            const params = op.parameters ?? [];
            const ref = op.requestBody?.content['application/json']?.schema.$ref;
            const schema = ref ? doc.components.schemas[ref.split('/').pop()] : undefined;
            const example = schema && Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, v.example]));
            const call = (values, body, type = 'application/json') => {
                let url = path;
                const query = new URLSearchParams();
                for (const p of params) {
                    const v = values[p.name] ?? p.schema.example;
                    if (p.in === 'path')
                        url = url.replace(`{${p.name}}`, v);
                    else
                        query.set(p.name, v);
                }
                const init = { method: method.toUpperCase() };
                if (body !== undefined)
                    Object.assign(init, { headers: { 'content-type': type }, body: JSON.stringify(body) });
                return req(`${url}${query.size ? `?${query}` : ''}`, init);
            };
            const detailOf = async (res) => (await res.json()).detail;
            // The documented examples pass the gate and get a documented answer.
            const ok = await call({}, example);
            assert.ok(![413, 415, 422].includes(ok.status) && String(ok.status) in op.responses, `${label}: ${ok.status}`);
            // Each documented parameter is checked against its documented pattern, and reported by name.
            for (const p of params) {
                assert.ok(p.schema.pattern && !new RegExp(p.schema.pattern).test('x1'), `${label} ${p.name} has a pattern`);
                const bad = await call({ [p.name]: 'x1' }, example);
                assert.equal(bad.status, 422, `${label} ${p.name}=x1`);
                assert.deepEqual((await detailOf(bad))[0].loc, [p.in, p.name]);
            }
            // Each required body field is required by the gate; the documented media type is enforced.
            if (schema) {
                assert.ok(schema.required?.length, label);
                for (const field of schema.required) {
                    const { [field]: _, ...rest } = example;
                    const bad = await call({}, rest);
                    assert.equal(bad.status, 422, `${label} without ${field}`);
                    assert.deepEqual((await detailOf(bad))[0].loc, ['body', field]);
                }
                assert.ok('415' in op.responses);
                assert.equal((await call({}, example, 'text/plain')).status, 415, label);
            }
        }
    });
});
