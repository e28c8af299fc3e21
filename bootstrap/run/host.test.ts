/** The host checks and the cgroup-v2 nesting step over fake /proc and /sys trees of both cgroup versions. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fakeRoot } from '../../test/support/appliance.ts';
import { cgroupVersion, chooseIptables, inHostCgroupNamespace, isPrivileged, memAvailableBytes, mountFsType, nestCgroupV2 } from './host.ts';

describe('host facts', () => {
  it('privilege: CAP_SYS_ADMIN in CapEff and /dev/kmsg present', () => {
    assert.equal(isPrivileged(fakeRoot()), true);
    assert.equal(isPrivileged(fakeRoot({ privileged: false })), false);
  });

  it('cgroup version and namespace', () => {
    assert.equal(cgroupVersion(fakeRoot({ cgroup: 1 })), 1);
    assert.equal(cgroupVersion(fakeRoot({ cgroup: 2 })), 2);
    assert.equal(inHostCgroupNamespace(fakeRoot({ cgroup: 2 })), false);
    assert.equal(inHostCgroupNamespace(fakeRoot({ cgroup: 2, hostCgroupNs: true })), true);
    assert.equal(inHostCgroupNamespace(fakeRoot({ cgroup: 1 })), false, 'v1 nests without moving anything');
  });

  it('mount type by longest mount-point prefix', () => {
    const root = fakeRoot();
    assert.equal(mountFsType(root, '/var/lib/docker'), 'ext4');
    assert.equal(mountFsType(root, '/var/lib/docker/overlay2/x'), 'ext4');
    assert.equal(mountFsType(root, '/var/lib/dockerfoo'), 'overlay', 'a sibling with a common prefix is not inside');
    assert.equal(mountFsType(fakeRoot({ overlayDocker: true }), '/var/lib/docker'), 'overlay');
    assert.equal(memAvailableBytes(fakeRoot({ memAvailableKb: 2048 })), 2048 * 1024);
  });

  it('iptables backend: legacy only when legacy tables are loaded, overridable', () => {
    assert.equal(chooseIptables(fakeRoot()), 'nft');
    assert.equal(chooseIptables(fakeRoot({ legacyIptables: true })), 'legacy');
    assert.equal(chooseIptables(fakeRoot({ legacyIptables: true }), 'nft'), 'nft');
  });
});

describe('cgroup v2 nesting', () => {
  it('moves every process of the root cgroup to /init, then enables every controller', () => {
    const root = fakeRoot({ cgroup: 2 });
    const r = nestCgroupV2(root);
    assert.deepEqual(r, { moved: 3, controllers: ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'] });
    const cg = join(root, 'sys/fs/cgroup');
    assert.equal(readFileSync(join(cg, 'init/cgroup.procs'), 'utf8'), '1\n7\n42\n');
    assert.equal(readFileSync(join(cg, 'cgroup.subtree_control'), 'utf8'), '+cpuset +cpu +io +memory +hugetlb +pids +rdma +misc');
  });

  it('is a no-op on cgroup v1', () => {
    assert.deepEqual(nestCgroupV2(fakeRoot({ cgroup: 1 })), { moved: 0, controllers: [] });
  });

  it('an empty controller list leaves subtree_control untouched', () => {
    const root = fakeRoot({ cgroup: 2 });
    writeFileSync(join(root, 'sys/fs/cgroup/cgroup.controllers'), '\n');
    writeFileSync(join(root, 'sys/fs/cgroup/cgroup.subtree_control'), 'untouched');
    assert.deepEqual(nestCgroupV2(root).controllers, []);
    assert.equal(readFileSync(join(root, 'sys/fs/cgroup/cgroup.subtree_control'), 'utf8'), 'untouched');
  });
});
