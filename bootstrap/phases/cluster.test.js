/**
 * The cluster phase's wait for node registration, then Ready, inside the phase deadline.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { argvOf, boot, ready, useFakeService, world } from "../../test/support/appliance.js";
const { url } = useFakeService({ before, after });
describe('node registration', () => {
    it('waits until the node is listed, then for Ready, inside the phase deadline; k3d\'s own timeout sits below it', async () => {
        const w = world();
        const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), FAKE_NODE_REGISTER_AFTER: '2', WIKI_CLUSTER_TIMEOUT_S: '300' }, { until: ready });
        assert.equal(b.code, 0, b.output);
        const calls = argvOf(b.calls).filter((c) => c.startsWith('kubectl'));
        const firstWait = calls.findIndex((c) => c.includes(' wait --for=condition=Ready node --all'));
        assert.ok(calls.slice(0, firstWait).filter((c) => c.includes(' get nodes --output name')).length >= 3, calls.join('\n'));
        assert.equal(calls.filter((c) => c.includes(' wait ')).length, 1, 'Ready is waited for once, after registration');
        assert.match(b.output, /cluster: created; node Ready \(registered after \d+\.\ds\)/);
        const k3d = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8'));
        assert.equal(k3d.options.k3d.timeout, '240s', 'k3d gives up before the 300 s phase does');
    });
    it('a node that never registers fails the phase with its diagnostics, not kubectl\'s "no matching resources"', async () => {
        const w = world();
        const b = await boot({ ...w.env, WIKI_PROBE_URL: url(), FAKE_NODE_REGISTER_AFTER: '1000', WIKI_CLUSTER_TIMEOUT_S: '3' });
        assert.equal(b.code, 1, b.output);
        assert.match(b.output, /cluster: FAILED after \d\.\ds: the node k3d-wiki-server-0 did not register within the 3s deadline/);
        assert.match(b.output, /cluster: what to do: read the node's last log lines below/);
        assert.match(b.output, /---- diagnostics \(cluster\) ----/);
        assert.ok(!argvOf(b.calls).some((c) => c.includes(' wait --for=condition=Ready')), 'no kubectl wait on a node that is not there');
    });
});
