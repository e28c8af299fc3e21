/** The GitHub Actions workflow (.github/workflows/appliance.yml): actionlint-clean, and shaped as the README promises. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from "./support/root.js";
import { requireTool } from "./support/tools.js";
const FILE = '.github/workflows/appliance.yml';
const text = readFileSync(join(ROOT, FILE), 'utf8');
const lint = (cwd, file) => spawnSync('actionlint', ['-no-color', file], { cwd, encoding: 'utf8' });
it('actionlint finds nothing in the workflow', (t) => {
    if (!requireTool(t, 'actionlint'))
        return;
    const r = lint(ROOT, FILE);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim(), '');
});
it('actionlint does catch a broken copy (an unknown runner label, a bad expression)', (t) => {
    if (!requireTool(t, 'actionlint'))
        return;
    const dir = mkdtempSync(join(tmpdir(), 'wiki-workflow-'));
    try {
        mkdirSync(join(dir, '.github/workflows'), { recursive: true });
        writeFileSync(join(dir, FILE), text.replace('runner: ubuntu-24.04-arm', 'runner: ubuntu-24.04-armm').replace('${{ matrix.arch }}', '${{ matrix.archh }}'));
        const r = lint(dir, FILE);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /ubuntu-24\.04-armm/);
        assert.match(r.stdout, /archh/);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
it('builds both architectures on native runners, starts with only --privileged -p 8080:8080, runs scripts/e2e, uploads the logs', () => {
    const wf = parse(text);
    const job = wf.jobs.e2e;
    assert.deepEqual(job.strategy.matrix.include, [{ arch: 'amd64', runner: 'ubuntu-24.04' }, { arch: 'arm64', runner: 'ubuntu-24.04-arm' }]);
    assert.equal(job['runs-on'], '${{ matrix.runner }}');
    const steps = job.steps;
    const runs = steps.map((s) => s.run ?? '').join('\n');
    assert.match(runs, /docker build -f Dockerfile\.cluster --platform "linux\/\$\{\{ matrix\.arch \}\}"/);
    assert.doesNotMatch(runs, /qemu|binfmt|setup-qemu/, 'no emulation');
    assert.deepEqual([...runs.matchAll(/docker run (.*)$/gm)].map((m) => m[1]), ['-d --privileged -p 8080:8080 --name "$CONTAINER" "$IMAGE"']);
    assert.match(runs, /^scripts\/e2e http:\/\/localhost:8080 "\$CONTAINER"$/m);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.equal(upload?.if, 'always()');
    assert.equal(upload?.with?.path, 'e2e-out/');
    assert.deepEqual(wf.permissions, { contents: 'read' });
});
