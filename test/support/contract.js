/** The contract tests' fixture: one PostgreSQL per file, a fresh schema and app per test, helpers over app.request(). */
import { after, before, beforeEach } from 'node:test';
import { appOn } from "./api.js";
import { startPostgres } from "./postgres.js";
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Request logs and HTTP metrics are recorded after the response is made: let that turn pass. */
export const settle = () => new Promise((r) => setImmediate(r));
export function contract() {
    let pg;
    let ctx;
    before(async () => { pg = await startPostgres(); });
    after(async () => { await ctx?.close(); await pg.destroy(); });
    beforeEach(async () => { await ctx?.close(); ctx = await appOn(pg.url); });
    const req = (path, init) => ctx.app.request(path, init);
    const post = (path, body, type = 'application/json') => req(path, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return {
        get ctx() { return ctx; },
        req,
        post,
        createUser: async (name = 'ada') => (await (await post('/users', { name })).json()),
        count: async (table) => Number((await ctx.sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`))[0].n),
        counter: async (name) => (await ctx.metrics.registry.getSingleMetric(name).get()).values[0]?.value ?? 0,
    };
}
