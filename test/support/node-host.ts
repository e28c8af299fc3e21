/**
 * What a real node (test/support/node.ts) puts on this machine outside its directory, by name, and how
 * to find what one left: mounts and processes of its directory, its cgroups, the CNI bridge and the
 * iptables chains of kube-proxy, the bridge plugin and its own. Node built-ins only: scripts/leftovers.ts
 * reads it after a test run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** The node's host-wide names: one real node per machine at a time (kube-proxy's chains are global). */
export const NODE = { name: 'wiki-node', bridge: 'wiki-cni0', chain: 'WIKI-NODE-FORWARD', cgroup: 'wiki-node', dirPrefix: 'wiki-node-' };
export const iptables = (...args: string[]) => spawnSync('iptables', ['-w', ...args], { encoding: 'utf8' });
/** Every cgroup v1 hierarchy (or the v2 root) mounted under /sys/fs/cgroup, as directories. */
export const cgroupMounts = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' '))
  .filter((f) => f[4]?.startsWith('/sys/fs/cgroup') && ['cgroup', 'cgroup2'].includes(f[f.indexOf('-') + 1] ?? '')).map((f) => f[4]!);
/** Every mount point on this machine. */
export const mountPoints = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter(Boolean);
/** `pid command line` of every process whose command line contains `text`. */
export function processesNaming(text: string): [number, string][] {
  const found: [number, string][] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(text)) found.push([Number(pid), cmd.replaceAll('\0', ' ')]);
    } catch { /* gone */ }
  }
  return found;
}
/** The chains a node makes: kube-proxy's and the kubelet's KUBE-*, the bridge plugin's CNI-*, ours. */
const OURS = /^(KUBE-|CNI-|WIKI-)/;
/** A table's rules as `iptables -S` prints them (none without iptables or root), and the node's chains among them. */
const rulesOf = (table: string) => {
  const rules = (iptables('-t', table, '-S').stdout ?? '').split('\n');
  return { rules, chains: rules.map((l) => /^-N (\S+)/.exec(l)?.[1]).filter((c): c is string => !!c && OURS.test(c)) };
};
const TABLES = ['filter', 'nat', 'mangle'];

/** What a stopped node left on this machine, by kind: processes of its dir, mounts, cgroups, the bridge, iptables chains. */
export function nodeLeftovers(): string[] {
  const left: string[] = [];
  for (const m of mountPoints()) if (m.includes(`/${NODE.dirPrefix}`)) left.push(`mount ${m}`);
  for (const c of cgroupMounts()) if (existsSync(join(c, NODE.cgroup))) left.push(`cgroup ${join(c, NODE.cgroup)}`);
  if (existsSync(`/sys/class/net/${NODE.bridge}`)) left.push(`bridge ${NODE.bridge}`);
  for (const table of TABLES) for (const chain of rulesOf(table).chains) left.push(`iptables -t ${table} chain ${chain}`);
  for (const [pid, cmd] of processesNaming(`/${NODE.dirPrefix}`)) left.push(`process ${pid} ${cmd.slice(0, 200)}`);
  return left;
}

/** SIGKILLs every process in the node's cgroups (containers whose shim is gone), then removes the groups bottom-up. */
export function removeNodeCgroups() {
  const remove = (path: string) => {
    for (const e of readdirSync(path, { withFileTypes: true })) if (e.isDirectory()) remove(join(path, e.name));
    for (let i = 0; i < 50; i++) {
      const procs = readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
      for (const pid of procs) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
      try { rmdirSync(path); return; } catch { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); }
    }
  };
  for (const c of cgroupMounts()) if (existsSync(join(c, NODE.cgroup))) remove(join(c, NODE.cgroup));
}

/** Removes the node's iptables chains, and every jump to them. */
export function removeNodeChains() {
  for (const table of TABLES) {
    const { rules, chains } = rulesOf(table);
    // Jumps from chains that stay (INPUT, FORWARD, POSTROUTING, DOCKER's…) go one by one.
    for (const l of rules) {
      const m = /^-A (\S+) (.*-j (\S+).*)$/.exec(l);
      if (m && !OURS.test(m[1]!) && OURS.test(m[3]!)) iptables('-t', table, '-D', m[1]!, ...splitRule(m[2]!));
    }
    for (const c of chains) iptables('-t', table, '-F', c);
    for (const c of chains) iptables('-t', table, '-X', c);
  }
}

/** An `iptables -S` rule's arguments, with its double-quoted words (comments) kept whole. */
const splitRule = (rule: string) => [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1]?.replace(/\\(.)/g, '$1') ?? m[2]!);
