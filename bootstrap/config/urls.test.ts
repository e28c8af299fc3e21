import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../../test/support/root.ts';
import { DASHBOARD, publicUrls } from './urls.ts';

it('the dashboard is the one the chart ships, at the URL the README shows', () => {
  const json = JSON.parse(readFileSync(join(ROOT, 'chart/dashboards/creation.json'), 'utf8')) as { uid: string; title: string };
  assert.deepEqual({ uid: json.uid, title: json.title }, { uid: DASHBOARD.uid, title: DASHBOARD.title });
  assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').includes(publicUrls(8080).dashboard));
});
