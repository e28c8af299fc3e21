import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../test/support/api.ts';

/** Runs `script` in a child process whose logger is createLogger's own (pino's stdout destination). */
function child(script: string) {
  const code = `import { createLogger } from ${JSON.stringify(`${ROOT}api/lib/logger.ts`)};\nconst log = createLogger('info');\n${script}`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  proc.stdout.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    for (const l of parts) lines.push(JSON.parse(l));
  });
  const exited = new Promise<number | null>((resolve) => proc.once('close', resolve));
  return { proc, lines, exited };
}

describe('the log destination (pino.destination, batched)', () => {
  it('hands every line on in order, nothing twice, when the process exits right after logging', async () => {
    const c = child('for (let n = 0; n < 5000; n++) log.info({ n }, "line");\nprocess.exit(0);');
    assert.equal(await c.exited, 0);
    assert.deepEqual(c.lines.map((l) => l.n), Array.from({ length: 5000 }, (_, n) => n));
    assert.deepEqual({ ...c.lines[0], time: 0 }, { level: 30, time: 0, service: 'wiki-api', n: 0, msg: 'line' });
  });

  it('writes a lone line within its flush period, without waiting for a full batch or the exit', async () => {
    const c = child('log.info("quiet");\nsetTimeout(() => {}, 5000);');
    try {
      const deadline = Date.now() + 3000;
      while (c.lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(c.lines.map((l) => l.msg), ['quiet']);
    } finally {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
  });
});
