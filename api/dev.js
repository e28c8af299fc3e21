/**
 * `npm run dev`: the API on an in-process PGlite (PostgreSQL compiled to WebAssembly) served over
 * the wire protocol. For trying and developing only: the data lives in memory and is gone on exit.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { main } from "./server.js";
const db = await PGlite.create();
const pg = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
await pg.start();
const port = Number(pg.getServerConn().split(':').pop());
process.stderr.write(`wiki-api dev: in-memory PGlite on 127.0.0.1:${port} (not for production)\n`);
await main({
    ...process.env,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
    DB_POOL_MAX: '1',
    PORT: process.env.PORT ?? '8000',
});
