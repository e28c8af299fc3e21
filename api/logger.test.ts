import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lineBatch } from './lib/logger.ts';

/** A destination that records what reaches it, write by write. */
function recorder() {
  const writes: string[] = [];
  let syncFlushes = 0;
  return { writes, syncFlushes: () => syncFlushes, out: { write: (s: string) => { writes.push(s); }, flushSync: () => { syncFlushes++; } } };
}

describe('lineBatch (the stdout writer in front of pino)', () => {
  it('hands lines on in order, one write per chunk once a chunk is full', () => {
    const r = recorder();
    const batch = lineBatch(r.out, { minChars: 100, maxDelayMs: 60_000 });
    const lines = Array.from({ length: 25 }, (_, i) => `{"n":${i}}\n`); // 9-10 chars each
    for (const l of lines) batch.write(l);
    assert.ok(r.writes.length >= 2 && r.writes.length <= 3, `${r.writes.length} writes`);
    for (const w of r.writes) assert.ok(w.length >= 100, 'only full chunks are written before a flush');
    batch.flushSync();
    assert.equal(r.writes.join(''), lines.join(''), 'every line, in order, nothing twice');
    assert.equal(r.syncFlushes(), 1);
  });

  it('writes a lone line after maxDelayMs, without waiting for a full chunk', async () => {
    const r = recorder();
    const batch = lineBatch(r.out, { minChars: 16_384, maxDelayMs: 20 });
    batch.write('{"msg":"quiet"}\n');
    assert.deepEqual(r.writes, []);
    await sleep(80);
    assert.deepEqual(r.writes, ['{"msg":"quiet"}\n']);
    batch.flushSync();
    assert.deepEqual(r.writes, ['{"msg":"quiet"}\n'], 'a flush with nothing pending writes nothing');
  });
});
