var __rewriteRelativeImportExtension = (this && this.__rewriteRelativeImportExtension) || function (path, preserveJsx) {
    if (typeof path === "string" && /^\.\.?\//.test(path)) {
        return path.replace(/\.(tsx)$|((?:\.d)?)((?:\.[^./]+?)?)\.([cm]?)ts$/i, function (m, tsx, d, ext, cm) {
            return tsx ? preserveJsx ? ".jsx" : ".js" : d && (!ext || !cm) ? m : (d + ext + "." + cm.toLowerCase() + "js");
        });
    }
    return path;
};
/**
 * The dependency patches under patches/ (applied by `npm ci`'s postinstall and in the image build)
 * are in force: postgres.js's pool queue keeps FIFO order and no longer grows with every query;
 * pino's destination (sonic-boom) writes every byte in order without re-measuring its buffer.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { pino } from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// The queue is internal (not in the package's exports), so it is loaded by file path.
const { default: Queue } = await import(__rewriteRelativeImportExtension(new URL('../node_modules/postgres/src/queue.js', import.meta.url).href));
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const heapUsed = () => { gc(); return process.memoryUsage().heapUsed; };
it('postgres.js queue: FIFO order, remove and length stay right through many rotations', () => {
    const q = Queue();
    for (let i = 0; i < 10; i++)
        q.push(i);
    for (let round = 0; round < 10_000; round++)
        q.push(q.shift()); // how the pool pipelines onto busy connections
    assert.equal(q.length, 10);
    assert.equal(q.remove(3), 3);
    assert.equal(q.remove(3), null);
    assert.equal(q.length, 9);
    assert.deepEqual(Array.from({ length: 9 }, () => q.shift()), [0, 1, 2, 4, 5, 6, 7, 8, 9]);
    assert.equal(q.length, 0);
});
it('postgres.js queue: a queue that never empties does not keep a slot per query ever made', () => {
    const q = Queue();
    const conns = Array.from({ length: 10 }, () => ({}));
    for (const c of conns)
        q.push(c);
    const before = heapUsed();
    // Unpatched, each rotation leaves a hole at the front: 2M rotations hold a 2M-slot array (16 MB).
    for (let round = 0; round < 2_000_000; round++) {
        const c = q.shift();
        q.push(c);
        if (round % 1000 === 0) {
            q.remove(c);
            q.push(c);
        }
    }
    const grown = heapUsed() - before;
    assert.ok(grown < 4 * 1024 * 1024, `the queue grew the heap by ${(grown / 1048576).toFixed(1)} MB`);
    assert.equal(q.length, 10);
});
/** Lines of 1 to 300 characters, with two- to four-byte UTF-8 characters among them. */
const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'aé€😀'.repeat((i * 7) % 75)}\n`);
it('sonic-boom: batched sync writes keep every byte in order, each write within maxWrite', (t) => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'sonic-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'out.log');
    const maxWrite = 2048;
    const out = pino.destination({ dest: file, sync: true, minLength: 1024, maxWrite });
    const sizes = [];
    const writeSync = fs.writeSync;
    t.mock.method(fs, 'writeSync', (...args) => {
        sizes.push(Buffer.byteLength(args[1]));
        return writeSync(...args);
    });
    for (const line of lines)
        out.write(line);
    out.flushSync();
    t.mock.restoreAll();
    assert.equal(fs.readFileSync(file, 'utf8'), lines.join(''));
    assert.ok(sizes.length > 50, `${sizes.length} writes`);
    assert.ok(Math.max(...sizes) <= maxWrite, `largest write ${Math.max(...sizes)} bytes`);
});
it('sonic-boom: a write measures only its own line, not the batch pending before it', (t) => {
    const out = pino.destination({ dest: '/dev/null', sync: true, minLength: 4096 });
    const longest = Math.max(...lines.map((l) => l.length));
    let measured = 0;
    const byteLength = Buffer.byteLength;
    t.mock.method(Buffer, 'byteLength', (s, enc) => {
        if (typeof s === 'string')
            measured = Math.max(measured, s.length);
        return byteLength(s, enc);
    });
    for (const line of lines)
        out.write(line);
    t.mock.restoreAll();
    out.flushSync();
    // Unpatched, every write also measures the pending batch: up to minLength bytes.
    assert.ok(measured <= longest, `a write measured a ${measured}-character string; the longest line has ${longest}`);
});
