import type { BootConfig } from './config.ts';
import type { Exec } from './exec.ts';
import type { Log } from './log.ts';
import type { Pins } from './pins.ts';

/** What every phase receives: configuration in, tools to act, and the little state phases hand on. */
export type Ctx = {
  cfg: BootConfig;
  pins: Pins;
  /** The image architecture this machine runs, as named by the one mapping (arch.ts). */
  arch: string;
  /** The API reference this build deploys (the build's identity in its tag). */
  apiRef: string;
  log: Log;
  exec: Exec;
  /** Aborted on SIGTERM/SIGINT or when the phase's deadline passes. */
  signal: AbortSignal;
  /** Environment for docker, k3d, kubectl and helm. */
  toolEnv: Record<string, string>;
  paths: { kubeconfig: string; k3dConfig: string; values: string; dockerdLog: string; dockerdPid: string; images: string; chart: string; bootState: string };
  state: { dockerdStarted: boolean; dockerdPid?: number; cgroup: 1 | 2; previousApiRef?: string };
  fetch: typeof fetch;
};

export type Phase = {
  name: string;
  /** Deadline key in cfg.timeouts; serve has none. */
  timeout?: keyof BootConfig['timeouts'];
  run(ctx: Ctx): Promise<string>;
  /** What to print when this phase fails, beyond the error (pods, events, logs). */
  diagnose?(ctx: Ctx): Promise<string>;
};
