/** The GitHub Actions workflow (.github/workflows/appliance.yml): actionlint-clean, and shaped as the README promises. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from './support/root.ts';
import { requireTool } from './support/tools.ts';

const FILE = '.github/workflows/appliance.yml';
const text = readFileSync(join(ROOT, FILE), 'utf8');
const lint = (cwd: string, file: string) => spawnSync('actionlint', ['-no-color', file], { cwd, encoding: 'utf8' });

it('actionlint finds nothing in the workflow', (t) => {
  if (!requireTool(t, 'actionlint')) return;
  const r = lint(ROOT, FILE);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '');
});

it('actionlint does catch a broken copy (an unknown runner label, a bad expression)', (t) => {
  if (!requireTool(t, 'actionlint')) return;
  const dir = mkdtempSync(join(tmpdir(), 'wiki-workflow-'));
  try {
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, FILE), text.replace('runner: ubuntu-24.04-arm', 'runner: ubuntu-24.04-armm').replace('${{ matrix.arch }}', '${{ matrix.archh }}'));
    const r = lint(dir, FILE);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /ubuntu-24\.04-armm/);
    assert.match(r.stdout, /archh/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

type Step = { name?: string; run?: string; uses?: string; if?: string; shell?: string; with?: Record<string, string>; env?: Record<string, string> };
type Workflow = { defaults?: { run?: { shell?: string } }; permissions?: unknown; jobs: Record<string, { defaults?: { run?: { shell?: string } }; env?: Record<string, string>; steps: Step[]; strategy: { matrix: { include: unknown[] } }; 'runs-on': string }> };

/**
 * The command line GitHub runs each `run` step with on Linux (docs: "jobs.<job_id>.steps[*].shell"):
 * the step's shell, else the job's and then the workflow's `defaults.run.shell`; unset is `bash -e {0}`
 * (no pipefail), `bash` is `bash --noprofile --norc -eo pipefail {0}`, `sh` is `sh -e {0}`, anything else is used as given.
 */
function effectiveShells(wf: Workflow): { job: string; step: string; shell: string }[] {
  const builtin: Record<string, string> = { bash: 'bash --noprofile --norc -eo pipefail {0}', sh: 'sh -e {0}' };
  return Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.filter((s) => s.run !== undefined).map((s) => {
    const shell = s.shell ?? j.defaults?.run?.shell ?? wf.defaults?.run?.shell;
    return { job, step: s.name ?? s.run!.split('\n')[0]!, shell: shell === undefined ? 'bash -e {0}' : builtin[shell] ?? shell };
  }));
}
const withoutPipefail = (wf: Workflow) => effectiveShells(wf).filter((s) => !/^bash\b/.test(s.shell) || !/\s-\w*o pipefail\b/.test(s.shell));

it('every run step runs in bash with pipefail, so `docker build … | tee` fails when the build does', () => {
  const wf = parse(text) as Workflow;
  assert.ok(effectiveShells(wf).length >= 6);
  assert.deepEqual(withoutPipefail(wf), []);
  // The same rule catches the fault it is for: without the defaults, every step is `bash -e` only.
  const bare = parse(text) as Workflow;
  delete bare.defaults;
  assert.equal(withoutPipefail(bare).length, effectiveShells(bare).length);
  assert.ok(effectiveShells(bare).some((s) => s.shell === 'bash -e {0}'));
  const sh = parse(text) as Workflow;
  sh.jobs.e2e!.steps.find((s) => s.run?.includes('docker build'))!.shell = 'sh';
  assert.deepEqual(withoutPipefail(sh).map((s) => s.shell), ['sh -e {0}']);
});

it('loads br_netfilter on the runner before the appliance boots, and reads the first boot\'s memory peak before anything restarts it', () => {
  const steps = (parse(text) as Workflow).jobs.e2e!.steps;
  const first = (re: RegExp) => steps.findIndex((s) => re.test(s.run ?? ''));
  const boot = first(/^docker run /m);
  const netfilter = first(/^sudo modprobe br_netfilter$/m);
  assert.ok(boot > 0 && netfilter >= 0 && netfilter < boot, `br_netfilter (step ${netfilter}) before the boot (step ${boot})`);
  assert.match(steps[netfilter]!.run!, /sysctl -w net\.bridge\.bridge-nf-call-iptables=1/);
  // Anything that may restart the container: docker restart/stop/kill/start, or scripts/e2e.ts (which does).
  const restart = first(/docker (restart|stop|kill|start|rm)\b|\bscripts\/e2e\.ts /m);
  const peak = first(/\/sys\/fs\/cgroup\/memory\.peak/);
  assert.ok(peak > boot && peak < restart, `memory.peak read (step ${peak}) after the boot (step ${boot}) and before the first restart (step ${restart})`);
  assert.match(steps[peak]!.run!, /E2E_BOOT_MEMORY_PEAK=\$peak" >> "\$GITHUB_ENV"/, 'handed to scripts/e2e.ts');
  assert.match(steps[boot + 1]!.run!, /READY in/, 'read once READY');
});

it('logs in to Docker Hub only when the repository has credentials, with a version-pinned action', () => {
  const wf = parse(text) as Workflow;
  const job = wf.jobs.e2e!;
  const logins = job.steps.filter((s) => s.uses?.startsWith('docker/login-action@'));
  assert.equal(logins.length, 1);
  const login = logins[0]!;
  assert.match(login.uses!, /@v\d+\.\d+\.\d+$/, 'a full version, not a moving major tag');
  assert.deepEqual(login.with, { username: '${{ secrets.DOCKERHUB_USERNAME }}', password: '${{ secrets.DOCKERHUB_TOKEN }}' });
  // `if:` cannot read secrets: the condition is a job-level env var computed from both of them.
  const cond = /^env\.(\w+) == 'true'$/.exec(login.if ?? '');
  assert.ok(cond, `conditional on an env var: ${login.if}`);
  assert.equal(job.env?.[cond[1]!], "${{ secrets.DOCKERHUB_USERNAME != '' && secrets.DOCKERHUB_TOKEN != '' }}");
  assert.ok(job.steps.indexOf(login) < job.steps.findIndex((s) => /docker build/.test(s.run ?? '')), 'before the first pull');
  assert.doesNotMatch(text, /^\s*if:.*secrets\./m);
});

it('hands scripts/e2e.ts the booted image and a rebuild with a different API, and puts image sizes and the summary in the job summary', () => {
  const job = (parse(text) as Workflow).jobs.e2e!;
  const e2e = job.steps.find((s) => /^node --import tsx scripts\/e2e\.ts /.test(s.run ?? ''))!;
  assert.equal(e2e.env?.E2E_IMAGE, '${{ env.IMAGE }}');
  assert.equal(e2e.env?.E2E_UPGRADE_IMAGE, '${{ env.UPGRADE_IMAGE }}');
  assert.match(e2e.env?.E2E_FRESH_PORT ?? '', /^\d+$/);
  assert.notEqual(e2e.env?.E2E_FRESH_PORT, '8080');
  const runs = job.steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs, /^docker run -d --privileged -p 8080:8080 --name "\$CONTAINER" "\$IMAGE"$/m, 'the booted image is IMAGE');
  const rebuild = /docker build -f Dockerfile\.cluster --platform "linux\/\$\{\{ matrix\.arch \}\}" (--build-arg API_NODE_OPTIONS=\S+ \S+) \\\n\s+-t "\$UPGRADE_IMAGE"/.exec(runs);
  assert.ok(rebuild, 'the rebuild changes only a build argument of the API image');
  const summary = job.steps.find((s) => s.if === 'always()' && s.run?.includes('GITHUB_STEP_SUMMARY'))!;
  assert.match(summary.run!, /for image in "\$IMAGE" "\$UPGRADE_IMAGE"; do\n\s+size=\$\(docker image inspect -f '\{\{\.Size\}\}'/);
  assert.match(summary.run!, /cat "\$E2E_OUT\/timings\.txt" "\$E2E_OUT\/summary\.md"/);
});

it('builds both architectures on native runners, starts with only --privileged -p 8080:8080, runs scripts/e2e.ts, uploads the logs', () => {
  const wf = parse(text);
  const job = wf.jobs.e2e;
  assert.deepEqual(job.strategy.matrix.include, [{ arch: 'amd64', runner: 'ubuntu-24.04' }, { arch: 'arm64', runner: 'ubuntu-24.04-arm' }]);
  assert.equal(job['runs-on'], '${{ matrix.runner }}');
  const steps = job.steps as Step[];
  const runs = steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs, /docker build -f Dockerfile\.cluster --platform "linux\/\$\{\{ matrix\.arch \}\}"/);
  assert.doesNotMatch(runs, /qemu|binfmt|setup-qemu/, 'no emulation');
  assert.deepEqual([...runs.matchAll(/docker run (.*)$/gm)].map((m) => m[1]), ['-d --privileged -p 8080:8080 --name "$CONTAINER" "$IMAGE"']);
  assert.match(runs, /^node --import tsx scripts\/e2e\.ts http:\/\/localhost:8080 "\$CONTAINER"$/m);
  assert.doesNotMatch(runs, /^(bash )?scripts\/e2e /m, 'the bash script is gone');
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  assert.equal(upload?.if, 'always()');
  assert.equal(upload?.with?.path, 'e2e-out/');
  assert.deepEqual(wf.permissions, { contents: 'read' });
});

it('installs node_modules (npm ci, the lockfile\'s tsx and zx) before scripts/e2e.ts runs, on the runner\'s Node, in bash with pipefail', () => {
  const wf = parse(text) as Workflow;
  const steps = wf.jobs.e2e!.steps;
  const ci = steps.findIndex((s) => /^npm ci --no-audit --no-fund$/m.test(s.run ?? ''));
  const e2e = steps.findIndex((s) => /^node --import tsx scripts\/e2e\.ts /m.test(s.run ?? ''));
  assert.ok(ci >= 0 && e2e > ci, `npm ci (step ${ci}) before scripts/e2e.ts (step ${e2e})`);
  // Nothing between them removes node_modules or changes directory away from the checkout.
  assert.doesNotMatch(steps.slice(ci + 1, e2e).map((s) => s.run ?? '').join('\n'), /rm -rf? .*node_modules|^\s*cd /m);
  assert.ok(!steps.slice(ci, e2e + 1).some((s) => s.if !== undefined), 'neither is skipped');
  // Both run with the workflow's bash -eo pipefail: a failed install stops the job before the check.
  const shells = effectiveShells(wf).filter((s) => [steps[ci]!.name, steps[e2e]!.name].includes(s.step));
  assert.equal(shells.length, 2);
  for (const s of shells) assert.equal(s.shell, 'bash --noprofile --norc -eo pipefail {0}');
  // package.json's engines (node >= 20.5) is what the runner's preinstalled Node must meet; tsx and zx come from the lockfile.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string>; scripts: Record<string, string> };
  assert.equal(pkg.engines.node, '>=20.5');
  assert.ok(pkg.devDependencies.tsx && pkg.devDependencies.zx);
  assert.equal(pkg.scripts.e2e, 'tsx scripts/e2e.ts');
});
