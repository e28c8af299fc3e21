/**
 * Upgrading a running appliance's release from the previous chart to this one, on the real control
 * plane: no immutable-field error, and the data (PVCs, by UID) and generated passwords (Secrets kept by
 * `lookup`) are the ones the first install made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseBootConfig } from '../../bootstrap/config/settings.ts';
import { readPins } from '../../bootstrap/config/pins.ts';
import { applianceValues } from '../../bootstrap/config/values.ts';
import { ROOT } from '../support/root.ts';
import { controlPlaneSkip, sharedControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { CHART, type Yaml } from '../support/helm.ts';

/** The last commit that changed chart/ before this branch's changes: the chart users run today. */
const PREVIOUS = '7db775c';

describe(`upgrading the release from the chart of ${PREVIOUS}`, { skip: controlPlaneSkip() }, () => {
  let cp: ControlPlane;
  let old: string;
  before(async () => {
    old = mkdtempSync(join(tmpdir(), 'wiki-chart-'));
    execFileSync('sh', ['-c', 'git -C "$1" archive "$2" chart | tar -x -C "$3"', 'sh', ROOT, PREVIOUS, old]);
    cp = await sharedControlPlane();
  });
  after(async () => { await cp?.stop(); rmSync(old, { recursive: true, force: true }); });

  it('keeps the PVCs and the generated passwords, with no immutable-field error', async () => {
    const ns = await cp.namespace('upgrade');
    const values = join(cp.dir, `values-${ns}.yaml`);
    const pins = readPins();
    writeFileSync(values, stringify(applianceValues(parseBootConfig({ WIKI_GRAFANA_PASSWORD: 'test-grafana-password' }), pins, pins.API_IMAGE)));
    const release = (chart: string) => cp.helm(['upgrade', '--install', 'wiki', chart, '--namespace', ns, '--values', values, '--wait', '--timeout', '120s']);
    const state = async () => {
      const get = async (kind: string) => JSON.parse((await cp.kubectl(['get', kind, '--namespace', ns, '--output', 'json'])).stdout).items as Yaml[];
      return {
        claims: Object.fromEntries((await get('pvc')).map((c): [string, { uid: string; volume: string; phase: string }] => [c.metadata.name, { uid: c.metadata.uid, volume: c.spec.volumeName, phase: c.status.phase }])),
        secrets: Object.fromEntries((await get('secret')).filter((s) => s.type === 'Opaque').map((s) => [s.metadata.name, s.data])),
      };
    };

    await release(join(old, 'chart'));
    const first = await state();
    assert.ok(Object.keys(first.claims).length >= 2, JSON.stringify(first.claims));
    assert.ok(Object.values(first.claims).every((c) => c.phase === 'Bound'));
    assert.ok(first.secrets['wiki-postgresql']?.password, 'the first install generated the database password');

    const up = await release(CHART);
    assert.match(up.stdout, /REVISION: 2/);
    const second = await state();
    assert.deepEqual(second.claims, first.claims, 'the same claims, bound to the same volumes');
    assert.deepEqual(second.secrets, first.secrets, 'the same passwords');
    const history = JSON.parse((await cp.helm(['history', 'wiki', '--namespace', ns, '--output', 'json'])).stdout);
    assert.deepEqual(history.map((h: Yaml) => h.status), ['superseded', 'deployed']);
  });
});
