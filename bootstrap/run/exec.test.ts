import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandError, createExec } from './exec.ts';
import { createLog } from './log.ts';

describe('createExec: run', () => {
  const exec = createExec({ log: createLog(() => {}) });

  it('passes argv as it is: no shell parses it', async () => {
    const r = await exec.run(['printf', '%s|', '$(id -u)', 'a b', "'q'"]);
    assert.equal(r.stdout, "$(id -u)|a b|'q'|");
  });

  it('a non-zero exit is a CommandError naming the command, its status and the end of its output', async () => {
    const err = await exec.run(['sh', '-c', 'echo first >&2; echo last >&2; exit 3']).catch((e: unknown) => e);
    assert.ok(err instanceof CommandError);
    assert.equal(err.result.exitCode, 3);
    assert.equal(err.message, '`sh -c echo first >&2; echo last >&2; exit 3` exited 3: first | last');
    assert.equal((await exec.run(['sh', '-c', 'exit 3'], { check: false })).exitCode, 3);
  });

  it('a command killed by a signal says so, with its output (it did run)', async () => {
    const err = await exec.run(['sh', '-c', 'echo half-written >&2; kill -KILL $$']).catch((e: unknown) => e);
    assert.ok(err instanceof CommandError, String(err));
    assert.equal(err.message, '`sh -c echo half-written >&2; kill -KILL $$` was killed by SIGKILL: half-written');
  });

  it('a program that is not there cannot run', async () => {
    await assert.rejects(exec.run(['wiki-no-such-program', 'x']), /^Error: cannot run wiki-no-such-program: .*ENOENT/);
  });

  it('a timeout kills the command and names the limit', async () => {
    const t0 = performance.now();
    await assert.rejects(exec.run(['sleep', '30'], { timeoutMs: 1000 }), /^Error: `sleep 30` timed out after 1s$/);
    assert.ok(performance.now() - t0 < 5000);
  });
});
