/** The bootstrap's settings stated once (bootstrap/config/settings.ts): schema, --help and the README table agree. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createExec } from '../bootstrap/run/exec.ts';
import { createLog } from '../bootstrap/run/log.ts';
import { helpText } from '../bootstrap/main.ts';
import { runPipeline } from '../bootstrap/pipeline.ts';
import { readPins } from '../bootstrap/config/pins.ts';
import { documentedSettings, parseBootConfig, readmeTable, SETTINGS, shownDefault, UsageError } from '../bootstrap/config/settings.ts';
import type { Ctx } from '../bootstrap/context.ts';
import { ROOT } from './support/root.ts';

it('the README\'s table under "Running it for real" is the one settings.ts generates', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- settings table: generated from bootstrap\/config\/settings\.ts, checked by test\/settings\.test\.ts -->\n([\s\S]*?)\n<!-- end of settings table -->/.exec(readme);
  assert.ok(block, 'the README holds the generated settings table between its markers');
  assert.equal(block[1], readmeTable(), `README table out of date; it should read:\n${readmeTable()}`);
});

it('--help lists every documented variable with its default; defaults are what the schema parses', () => {
  const help = helpText();
  for (const [name, s] of documentedSettings()) assert.match(help, new RegExp(`^  ${name} +.*\\(default ${shownDefault(s).replace(/[.*+?()[\]\\]/g, '\\$&')}\\)$`, 'm'));
  const cfg = parseBootConfig({});
  assert.equal(cfg.hostPort, SETTINGS.WIKI_HOST_PORT.schema.parse(undefined));
  assert.equal(cfg.timeouts.release, 600);
  assert.equal(cfg.probeUrl, 'http://127.0.0.1:8080');
  assert.throws(() => parseBootConfig({ WIKI_CLUSTER_TIMEOUT_S: '0' }), (e: Error) => e instanceof UsageError && /WIKI_CLUSTER_TIMEOUT_S: /.test(e.message));
});

it('a phase deadline with no variable (preflight) is not told to raise one', async () => {
  const cfg = parseBootConfig({});
  let out = '';
  const log = createLog((s) => { out += s; });
  // A phase that waits for its deadline (AbortSignal.timeout's timer does not hold the event loop: this one does).
  const never = (signal: AbortSignal) => new Promise<string>((_r, reject) => {
    const hold = setInterval(() => {}, 1000);
    signal.addEventListener('abort', () => { clearInterval(hold); reject(signal.reason); });
  });
  const ctx = { cfg: { ...cfg, timeouts: { ...cfg.timeouts, preflight: 1, dockerd: 1 } }, pins: readPins(), log, exec: createExec({ log, dryRun: true }) } as unknown as Ctx;
  await runPipeline([{ name: 'preflight', timeout: 'preflight', run: (c) => never(c.signal) }], ctx, new AbortController().signal);
  assert.match(out, /preflight: FAILED after 1\.\ds: timed out after 1s/);
  assert.match(out, /preflight: what to do: read the diagnostics below/);
  assert.doesNotMatch(out, /WIKI_PREFLIGHT_TIMEOUT_S/);
  out = '';
  await runPipeline([{ name: 'dockerd', timeout: 'dockerd', run: (c) => never(c.signal) }], ctx, new AbortController().signal);
  assert.match(out, /dockerd: what to do: raise WIKI_DOCKERD_TIMEOUT_S if this machine is slow/);
});
