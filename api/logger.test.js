import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from "../test/support/root.js";
/** Runs `script` in a child process whose logger is createLogger's own (pino's stdout destination). */
function child(script) {
    const code = `import { createLogger } from ${JSON.stringify(`${ROOT}api/lib/logger.ts`)};\nconst log = createLogger('info');\n${script}`;
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let rest = '';
    proc.stdout.on('data', (d) => {
        const parts = (rest + d).split('\n');
        rest = parts.pop();
        for (const l of parts)
            lines.push(JSON.parse(l));
    });
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => proc.once('close', resolve));
    return { proc, lines, exited, stderr: () => err };
}
describe('the log destination (pino.destination, batched)', () => {
    it('hands every line on in order, nothing twice, when the process exits right after logging', async () => {
        const c = child('for (let n = 0; n < 5000; n++) log.info({ n }, "line");\nprocess.exit(0);');
        assert.equal(await c.exited, 0);
        assert.deepEqual(c.lines.map((l) => l.n), Array.from({ length: 5000 }, (_, n) => n));
        assert.deepEqual({ ...c.lines[0], time: 0 }, { level: 30, time: 0, service: 'wiki-api', n: 0, msg: 'line' });
    });
    it('hands on the lines logged before an uncaught exception ends the process', async () => {
        const c = child('for (let n = 0; n < 3; n++) log.info({ n }, "line");\nthrow new Error("boom");');
        assert.equal(await c.exited, 1);
        assert.deepEqual(c.lines.map((l) => l.n), [0, 1, 2]);
        assert.match(c.stderr(), /boom/);
    });
    it('writes a lone line within its flush period, without waiting for a full batch or the exit', async () => {
        const c = child('log.info("quiet");\nprocess.stderr.write("logged\\n");\nsetTimeout(() => {}, 30_000);');
        const until = async (done, ms) => {
            for (const end = Date.now() + ms; !done() && Date.now() < end;)
                await new Promise((r) => setTimeout(r, 10));
        };
        try {
            await until(() => c.stderr().includes('logged'), 30_000); // start-up (tsx) is slow on a busy machine
            assert.match(c.stderr(), /logged/);
            await until(() => c.lines.length > 0, 2000); // the flush period is 100 ms
            assert.deepEqual(c.lines.map((l) => l.msg), ['quiet']);
        }
        finally {
            c.proc.kill('SIGKILL');
            await c.exited;
        }
    });
});
