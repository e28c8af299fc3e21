/** The recovery decided from `helm history`: every status Helm 4 can leave (pkg/release/common/status.go). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recoveryFor, type Revision } from './release-recovery.ts';

const h = (...statuses: string[]): Revision[] => statuses.map((status, i) => ({ revision: i + 1, status }));

describe('recoveryFor', () => {
  for (const [history, want] of [
    [h(), { action: 'none', found: 'no release yet' }],
    [h('deployed'), { action: 'none', found: 'revision 1 deployed' }],
    [h('failed'), { action: 'none', found: 'revision 1 failed' }],
    [h('deployed', 'failed'), { action: 'none', found: 'revision 2 failed' }],
    [h('pending-install'), { action: 'uninstall', found: 'revision 1 pending-install' }],
    [h('uninstalling'), { action: 'uninstall', found: 'revision 1 uninstalling' }],
    [h('unknown'), { action: 'uninstall', found: 'revision 1 unknown' }],
    [h('superseded', 'uninstalling'), { action: 'uninstall', found: 'revision 2 uninstalling' }],
    [h('deployed', 'unknown'), { action: 'none', found: 'revision 2 unknown' }],
    [h('deployed', 'pending-upgrade'), { action: 'rollback', to: 1, found: 'revision 2 pending-upgrade' }],
    [h('deployed', 'pending-upgrade', 'pending-rollback'), { action: 'rollback', to: 1, found: 'revision 3 pending-rollback' }],
    [h('superseded', 'deployed', 'failed', 'pending-upgrade'), { action: 'rollback', to: 2, found: 'revision 4 pending-upgrade' }],
    [h('failed', 'pending-upgrade'), { action: 'uninstall', found: 'revision 2 pending-upgrade' }],
  ] as const) {
    it(`${history.map((r) => r.status).join(', ') || 'no history'} → ${want.action}`, () => {
      assert.deepEqual(recoveryFor(history as Revision[]), want);
    });
  }
});
