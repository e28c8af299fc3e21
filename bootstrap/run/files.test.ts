import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeAtomic, writePrivate } from './files.ts';

describe('writePrivate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wiki-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory 0700 and the file 0600', () => {
    const file = join(dir, 'state', 'boot-state.json');
    writePrivate(file, '{"phase":"cluster"}\n');
    assert.equal(readFileSync(file, 'utf8'), '{"phase":"cluster"}\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'state')).mode & 0o777, 0o700);
  });

  it('replaces the file whole: a reader of the old one reads all of it, no temporary file is left', () => {
    const file = join(dir, 'kubeconfig');
    const old = 'old\n'.repeat(100_000);
    writePrivate(file, old);
    const before = statSync(file).ino;
    const fd = openSync(file, 'r');
    writePrivate(file, 'new\n');
    // Written in place, the open file would now be truncated to 4 bytes; renamed over, it is the old inode, whole.
    const buf = Buffer.alloc(old.length + 1);
    assert.equal(readSync(fd, buf, 0, buf.length, 0), old.length);
    assert.notEqual(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
  });

  it('a failed write leaves neither a temporary file nor a changed target', () => {
    const target = join(dir, 'is-a-directory');
    mkdirSync(join(target, 'inside'), { recursive: true });
    assert.throws(() => writeAtomic(target, 'x'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    assert.deepEqual(readdirSync(target), ['inside']);
    writeFileSync(join(dir, 'backup.sql'), 'kept');
    assert.throws(() => writeAtomic(join(dir, 'missing', 'backup.sql'), 'x'), /ENOENT/);
    assert.equal(readFileSync(join(dir, 'backup.sql'), 'utf8'), 'kept');
  });
});
