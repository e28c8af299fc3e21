/** The process's serving state, read by readiness and the drain middleware. */
export type Phase = 'starting' | 'ready' | 'draining';

export class Lifecycle {
  phase: Phase = 'starting';
  get draining(): boolean { return this.phase === 'draining'; }
}
