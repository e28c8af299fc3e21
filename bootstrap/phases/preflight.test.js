/**
 * Preflight, through the whole program against the fakes: each wrongly started container refused
 * with one actionable line before any tool runs; cgroup v2 nesting on a private namespace.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { boot, ready, useFakeService, world } from "../../test/support/appliance.js";
const { url } = useFakeService({ before, after });
describe('preflight refuses a wrongly started container before touching anything', () => {
    for (const [label, shape, re, hint] of [
        ['not privileged', { privileged: false }, /preflight: FAILED .*not privileged/, /what to do: start it with --privileged/],
        ['host cgroup namespace on v2', { cgroup: 2, hostCgroupNs: true }, /preflight: FAILED .*host cgroup namespace \(--cgroupns=host\)/, /drop --cgroupns=host/],
        ['/var/lib/docker on overlayfs', { overlayDocker: true }, /preflight: FAILED .*\/var\/lib\/docker is on overlayfs/, /-v wiki-data:\/var\/lib\/docker/],
        ['too little memory', { memAvailableKb: 1_000_000 }, /preflight: FAILED .*only 1\.0 GiB of memory available/, /give Docker more memory/],
        ['no br_netfilter in the host kernel', { brNetfilter: false }, /preflight: FAILED .*no br_netfilter \(no \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables\)/, /sudo modprobe br_netfilter/],
    ]) {
        it(label, async () => {
            const w = world(shape);
            const b = await boot({ ...w.env, WIKI_PROBE_URL: url() });
            assert.equal(b.code, 1, b.output);
            assert.match(b.output, re);
            assert.match(b.output, hint);
            assert.deepEqual(b.calls, [], 'no tool was run');
            assert.ok(!existsSync(join(w.state, 'wiki/boot-state.json')), 'nothing written');
        });
    }
    it('cgroup v2 with a private namespace passes and nests: processes moved to /init, controllers enabled', async () => {
        const w = world({ cgroup: 2 });
        const b = await boot({ ...w.env, WIKI_PROBE_URL: url() }, { until: ready });
        assert.equal(b.code, 0, b.output);
        assert.match(b.output, /dockerd: started .*cgroup v2 nested \(3 processes to \/init, 8 controllers\)/);
        assert.equal(readFileSync(join(w.root, 'sys/fs/cgroup/init/cgroup.procs'), 'utf8'), '1\n7\n42\n');
        const k3d = parse(readFileSync(join(w.state, 'wiki/k3d-config.yaml'), 'utf8'));
        assert.ok(!JSON.stringify(k3d).includes('fail-cgroupv1'), 'the cgroup v1 override only on v1 hosts');
    });
});
